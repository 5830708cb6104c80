"""Signals sent by households.services inside the transaction of the move they announce.

Other apps (entitlements) connect to them so that households never imports them.
"""

from django.dispatch import Signal

# sent with application=<TransferApplication>, actor=<User or None>
application_completed = Signal()
# sent with application=..., actor=..., changed={"person_ids": [...]} after a correction of a completed one
application_corrected = Signal()
# sent with application_ids=[...], actor=<User> inside a spreadsheet import's transaction (receivers
# only queue work, through the outbox): the ids of the COMPLETED applications it created (imports write in bulk and send no application_completed)
applications_imported = Signal()
