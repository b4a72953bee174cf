/**
 * The benchmark's messages (search-bench.ts): Korean, English and mixed chat lines from fixed
 * vocabularies and a seeded generator, so that every run searches the same corpus. Korean lines
 * glue particles and endings to words and join nouns into compounds (정보검색, 서울지사), as
 * Korean is written; English lines capitalize and punctuate.
 */

const KO_NOUNS = `정보 검색 서울 회의 배포 일정 데이터 서버 고객 보고서 개발 테스트 문서 결과 시간 오늘 내일 점심 커피 사무실
  프로젝트 팀장 디자인 화면 버튼 로그인 비밀번호 계정 설정 알림 메시지 채널 파일 사진 업데이트 버전 오류 문제 해결 질문 답변 확인
  준비 발표 자료 예산 계약 주간 월간 분기 매출 마케팅 영업 인사 교육 출장 휴가 주말 저녁 회식 부산 대전 제주 한국어 영어 번역 검토
  승인 요청 변경 관리 시스템 네트워크 보안 백업 복구 성능 속도 데이터베이스 컴퓨터 노트북 모니터 키보드 집 물 차 돈 밥 책 길 날씨
  비 눈 지사 센터 본부 운영 장애 점검 공지 일정표 담당자 신청 결제 주문 배송 재고`.split(/\s+/);
const KO_PARTICLES = ['은', '는', '이', '가', '을', '를', '에', '에서', '으로', '의', '도', '와', '과', '만', '까지', '부터', ''];
const KO_ENDINGS = `했습니다 합니다 했어요 해요 할게요 됐습니다 입니다 있어요 없어요 봤어요 보내주세요 부탁드립니다 알겠습니다 좋아요
  감사합니다 끝났어요 시작할게요 올렸어요 확인했어요 필요해요`.split(/\s+/);
const EN_WORDS = `deploy deployment meeting server database release customer backup latency review fix bug report schedule lunch
  coffee office project design screen button login password account settings notification message channel file photo update
  version error problem solution question answer check ready presentation budget contract weekly monthly quarter sales
  marketing training travel holiday weekend dinner network security restore performance speed computer laptop monitor
  keyboard search index query cache queue worker cluster node primary replica migration rollback incident outage ticket
  sprint roadmap feature branch merge conflict pipeline build test staging production metrics dashboard alert on call
  the a to of and in for with on at is was will be we please thanks today tomorrow yesterday`.split(/\s+/);

/** A seeded generator (mulberry32): the same messages on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  // Squared: some words are much more frequent than others, as in real chat.
  return list[Math.floor(random() * random() * list.length)]!;
}

function koreanWord(random: () => number): string {
  const noun = random() < 0.2 ? pick(random, KO_NOUNS) + pick(random, KO_NOUNS) : pick(random, KO_NOUNS);
  return noun + pick(random, KO_PARTICLES);
}

function korean(random: () => number): string {
  const words = Array.from({ length: 2 + Math.floor(random() * 7) }, () => koreanWord(random));
  return `${words.join(' ')} ${pick(random, KO_ENDINGS)}${random() < 0.5 ? '.' : ''}`;
}

function english(random: () => number): string {
  const words = Array.from({ length: 4 + Math.floor(random() * 12) }, () => pick(random, EN_WORDS));
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}${random() < 0.6 ? '.' : random() < 0.5 ? '!' : '?'}`;
}

/** One chat line: 45% Korean, 45% English, 10% Korean with English words in it. */
export function message(random: () => number): string {
  const kind = random();
  if (kind < 0.45) return korean(random);
  if (kind < 0.9) return english(random);
  return `${korean(random)} ${pick(random, EN_WORDS)} ${koreanWord(random)}`;
}

/** The queries measured: Korean of one to four syllables (inside compounds and across particles too) and English words. */
export const QUERIES = {
  korean: [
    ['집', '돈', '검', '서', '다', '팀', '눈'],
    ['검색', '서울', '회의', '배포', '일정', '고객', '보안', '정보', '색을', '지사'],
    ['데이터', '보고서', '사무실', '한국어', '비밀번', '검색을', '서울지'],
    ['정보검색', '비밀번호', '프로젝트', '업데이트', '알겠습니', '서울지사'],
  ],
  english: ['deploy', 'meeting', 'server', 'data', 'release', 'backup', 'latency', 'rollback', 'incident', 'fix bug', 'merge conflict', 'on call'],
} as const;
