import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseCores, deviceInterruptsPerCore } from './cores.js';

// Abridged from the VM these benchmarks ran on.
const PROC_INTERRUPTS = `           CPU0       CPU1
 31:          0        246 PCI-MSIX-0000:00:01.0   3-edge      virtio0-stats
 36:          0     528168 PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0
 39:       4106          0 PCI-MSIX-0000:00:03.0   2-edge      virtio2-output.0
LOC:     298835     329108   Local timer interrupts
CAL:     815250    1993551   Function call interrupts
`;

test('device interrupts are summed per CPU over numbered IRQs only', () => {
  assert.deepEqual(deviceInterruptsPerCore(PROC_INTERRUPTS), [4106, 528414]);
});

test('the server gets the core taking the device interrupts, the generator the other', () => {
  const choice = chooseCores([4106, 528414]);
  assert.equal(choice.server, 1);
  assert.equal(choice.generator, 0);
  assert.match(choice.reason, /528,414 against 4,106/);
});

test('with more cores, the generator gets the one taking the fewest', () => {
  assert.deepEqual([chooseCores([10, 900, 5, 40]).server, chooseCores([10, 900, 5, 40]).generator], [1, 2]);
});

test('no difference, one core or nothing readable: cores 0 and 1', () => {
  for (const counts of [[7, 7], [3], []]) {
    const choice = chooseCores(counts);
    assert.deepEqual([choice.server, choice.generator], [0, 1]);
  }
  assert.deepEqual(deviceInterruptsPerCore(''), []);
});
