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
# sent with application=<TransferApplication>, actor=..., override_reason=<str>, confirm_warnings=<bool>
# inside application_create's
# transaction once the rows are written (quality checks them): a receiver raises
# households.validation.EntryRefused to undo the entry, or returns notices (strings) for the clerk
application_entered = Signal()
# sent with application_ids=[...], actor=... inside the transaction of a service that changed these
# applications, their people or their household (quality re-checks their findings)
applications_changed = Signal()
# sent with application=..., actor=... when a completed application is withdrawn as a duplicate: the
# records opened on its completion close (entitlements)
completion_withdrawn = Signal()
