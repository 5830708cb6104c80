"""Notice backends for tests: one that fails a given number of times before it accepts."""

from public.notices import ConsoleBackend, NoticeBackendError


class FlakyBackend(ConsoleBackend):
    failures_left = 0
    calls = 0

    def send(self, *, to, body, notice_id):
        type(self).calls += 1
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            raise NoticeBackendError("gateway timeout")
        return super().send(to=to, body=body, notice_id=notice_id)
