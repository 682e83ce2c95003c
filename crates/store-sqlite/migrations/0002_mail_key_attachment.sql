-- Mails about one thing (e.g. a meeting's agenda) can be withdrawn before they are sent, and a
-- mail can carry a text attachment (an iCalendar invitation).
ALTER TABLE outbox ADD COLUMN mail_key TEXT;
ALTER TABLE outbox ADD COLUMN attachment TEXT;
CREATE INDEX outbox_key ON outbox(mail_key) WHERE mail_key IS NOT NULL;
