import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider } from './i18n/i18n.js';
import { App } from './app/App.js';
import './styles/tokens.css';
import './styles/base.css';
import './styles/auth.css';
import './styles/sidebar.css';
import './styles/room.css';
import './styles/message-body.css';
import './styles/messages.css';
import './styles/composer.css';
import './styles/files.css';
import './styles/sheet.css';
import './styles/moderation.css';
import './styles/admin.css';
import './styles/threads.css';
import './people/people.css';
// Last: its media queries fold the layout for smaller screens over the rules above.
import './styles/shell.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);
