"""Errors a person can act on, in the reader's language.

Every refusal in core raises a ``DomainError`` with a code and its parameters. The
code (what tests and forms look at) maps to an English message id in ``MESSAGES``;
the text itself is in the message catalogue (``core/i18n.py``), so the window, the
command line and HQ say the same words in 简体中文, 繁體中文 or English. A parameter
that is itself words (a role, a tender, an action) is passed as a ``Message`` and is
translated into the same language as the sentence around it.
"""

from __future__ import annotations

from typing import Any

from .i18n import DEFAULT_LANG, N_, join, translate

MESSAGES: dict[str, str] = {
    "phone.invalid": N_("{phone} is not a valid mainland China mobile number"),
    "shop.name_required": N_("the shop's name is required"),
    "shop.phone_invalid": N_(
        "the shop's phone {phone} is not a valid number: a mobile, or a landline with its "
        "area code (010-12345678)"
    ),
    "phone.duplicate": N_("this phone number already belongs to member {name} (card {card})"),
    "name.required": N_("the member's name is required"),
    "name.too_long": N_("the name cannot be longer than {max} characters"),
    "text.line_break": N_("{what} must be a single line"),
    "text.control": N_(
        "{what} holds an invisible control character ({char}); type it again without it"
    ),
    "text.bidi": N_(
        "{what} holds a hidden text-direction mark ({char}) that would make it read "
        "differently; type it again without it"
    ),
    "birthday.future": N_("the birthday {birthday} is in the future"),
    "birthday.impossible": N_("the birthday {birthday} is not a valid date"),
    "birthday.too_old": N_("the birthday {birthday} is before 1900"),
    "birthday.lunar_invalid": N_("lunar month {month} day {day} does not exist"),
    "member.guardian_consent": N_(
        "a member under {age} may be registered only with the consent of a parent or other "
        "guardian (Personal Information Protection Law, art. 31): once they have agreed, tick "
        "or fill in “Guardian consent”"
    ),
    "gender.invalid": N_("gender must be male, female or unknown"),
    "card.invalid": N_("card number {card} is invalid: use 6–20 digits or letters"),
    "card.check_digit": N_("card number {card} fails its check digit; scan it again"),
    "card.duplicate": N_("card number {card} is already used by member {name}"),
    "card.not_found": N_("no card with number {card}"),
    "card.lost": N_("card {card} was reported lost; use the replacement card"),
    "card.replaced": N_("card {card} was replaced; the old card cannot be used"),
    "card.cancelled": N_("card {card} is cancelled"),
    "member.not_found": N_("member not found"),
    "member.no_card_or_id": N_("no member has the card number or id {query}"),
    "member.frozen": N_("member {name} is frozen and cannot make purchases"),
    "member.cancelled": N_("member {name} is cancelled"),
    "member.lost": N_("member {name}'s card is reported lost; replace it first"),
    "member.bad_status_change": N_("member {name} cannot be {action} (status: {status})"),
    "member.erase_not_cancelled": N_(
        "member {name} ({card}) is not cancelled: cancel the membership first (which settles "
        "the balances), then erase the personal information"
    ),
    "member.erased_already": N_("the personal information of member {card} is already erased"),
    "member.has_balance": N_("member {name} still holds {balance}; settle it before cancelling"),
    "member.owes_wallet": N_(
        "member {name} owes {amount} of stored value (two stores spent it at "
        "once); top it up before cancelling"
    ),
    "member.owes_points": N_(
        "member {name} is {points} points below zero (two stores spent them "
        "at once); adjust the points before cancelling"
    ),
    "member.stale": N_("member {name} was changed by someone else; reload and try again"),
    "referrer.not_found": N_("referrer {ref} not found"),
    "referrer.self": N_("a member cannot refer themselves"),
    "staff.not_found": N_("staff member {name} not found"),
    "staff.name_required": N_("the staff member's name is required"),
    "staff.duplicate": N_("staff member {name} already exists"),
    "staff.inactive": N_("staff member {name} is deactivated"),
    "staff.role_invalid": N_("role must be cashier, manager or owner"),
    "staff.owner_only": N_(
        "{name} may not make someone owner or change an owner's role, PIN or access; "
        "the owner must do it"
    ),
    "staff.tampered": N_(
        "the record of staff member {name} was changed outside memberdesk and cannot be "
        "trusted: the owner must set their role and PIN again on the staff page"
    ),
    "staff.tampered_owner": N_(
        "the record of owner {name} was changed outside memberdesk and cannot be trusted: "
        "set a new PIN with the owner's recovery code (“Forgot PIN?” on the log-in screen)"
    ),
    "staff.pin_tampered": N_(
        "the PIN of {name} was set outside memberdesk: reset their PIN first, which also "
        "puts their role back as last set at this till"
    ),
    "staff.list_gone": N_(
        "the staff list was changed outside memberdesk: {names} were deleted from the shop's "
        "file, so nobody can act for the shop; restore the latest backup made before it "
        "(memberdesk restore, or “Restore a backup” in the window)"
    ),
    "staff.list_inactive": N_(
        "the staff list was changed outside memberdesk: nobody in the shop's file may log in "
        "any more, so nobody can act for the shop; the owner puts their record back with the "
        "recovery code (“Forgot PIN?”, or memberdesk staff recover-owner), or restore the "
        "latest backup"
    ),
    "staff.last_owner": N_("{name} is the shop's only owner; make someone else owner first"),
    "recovery.none": N_(
        "this shop has no owner recovery code: the owner makes one on the staff page while "
        "they still know their PIN"
    ),
    "recovery.tampered": N_(
        "the owner's recovery code kept in this shop's file was changed outside memberdesk and "
        "cannot be used: an owner who still knows their PIN makes a new one on the staff page"
    ),
    "recovery.invalid": N_(
        "a recovery code is 16 letters and digits, as written down (such as ABCD-EFGH-JKMN-PQRS)"
    ),
    "recovery.wrong": N_("wrong recovery code; {left} tries left"),
    "recovery.not_owner": N_(
        "{name} is not an owner: the recovery code sets only an owner's PIN (a manager or the "
        "owner resets other PINs on the staff page)"
    ),
    "recovery.locked": N_(
        "{name} is locked after too many wrong PINs or recovery codes; try again after {until}"
    ),
    "recovery.owner_only": N_("{name} may not make the owner's recovery code; only the owner may"),
    "pin.invalid": N_("the PIN must be 4–8 digits"),
    "pin.wrong": N_("wrong PIN; {left} tries left"),
    "pin.locked": N_("too many wrong PINs; locked until {until}"),
    "permission.denied": N_(
        "{name} ({role}) may not {action}; a manager or owner must authorise it"
    ),
    "permission.unverified": N_(
        "{name}'s authority was not checked by their PIN here; a manager or owner must type "
        "their PIN"
    ),
    "cli.pin_needed": N_(
        "to {action}, a manager or owner must say who they are: --staff NAME (or "
        "MEMBERDESK_STAFF) and their PIN (typed when asked, or MEMBERDESK_PIN for scripts)"
    ),
    "store.not_memberdesk": N_("{path} is not a memberdesk database"),
    "store.corrupt": N_("{path} is damaged (integrity check failed): {detail}"),
    "store.too_new": N_("{path} was written by a newer memberdesk; upgrade first"),
    "store.missing": N_("file not found: {path}"),
    "store.empty": N_(
        "the database {path} is empty (0 bytes): it holds no shop data; restore the newest "
        "backup into it (memberdesk restore)"
    ),
    "store.busy": N_(
        "another program (or another memberdesk window) has held the database {path} for more "
        "than {seconds} seconds; close it or wait, then try again"
    ),
    "store.disk_full": N_(
        "the disk holding the database {path} is full ({free} free), so this was not saved; "
        "free some space (old backups, downloads), then try again"
    ),
    "store.read_only": N_(
        "cannot write the database {path}: {why}. Give this user write permission there, or "
        "open a copy kept in a folder this user may write"
    ),
    "store.io_error": N_(
        "reading or writing the database {path} failed ({detail}); the disk may be failing or "
        "was removed. Nothing of this step was saved"
    ),
    "store.file_gone": N_(
        "the database file {path} was deleted, moved or replaced while memberdesk was running; "
        "to lose nothing, nothing more is saved: close memberdesk, put the file back (or "
        "restore a backup) and start again"
    ),
    "restore.unsent": N_(
        "the current data holds {n} records head office has not received yet (HQ could not "
        "be reached); a restore would lose them. Sync first, or restore with them carried "
        "over (--carry-unsent): they are kept and sent after the restore"
    ),
    "restore.other_shop": N_(
        "{path} is a backup of another till (store {store}; this one is store {here}); "
        "restoring it would mix two tills' records. To restore it anyway, add --other-shop"
    ),
    "backup.second_missing": N_("the folder {path} does not exist (is the USB stick plugged in?)"),
    "backup.second_same": N_("{path} is the backup folder itself; choose another place"),
    "backup.second_not_mounted": N_(
        "{path} is no longer the USB stick or disk it was when chosen (is the stick plugged "
        "in?): the copy was not made there"
    ),
    "backup.source_damaged": N_(
        "the database {path} is damaged (integrity check failed: {detail}); the copy just made "
        "({backup}) holds the damage too, so no earlier backup was removed. Check the data "
        "(memberdesk check) and restore the newest sound backup"
    ),
    "backup.second_unwritable": N_("backups cannot be written to {path}: {reason}"),
    "backup.second_short": N_(
        "the copy {path} came out incomplete ({size} of {expected}; was the USB stick pulled "
        "out?): it was removed, and the older backups in that folder are all kept. Take a "
        "backup again"
    ),
    "backup.second_differs": N_(
        "the copy {path} came out incomplete (it does not read back as the backup; was the USB "
        "stick pulled out?): it was removed, and the older backups in that folder are all "
        "kept. Take a backup again"
    ),
    "restore.same_file": N_("{path} is the database in use; choose a backup file to restore from"),
    "import.unknown_format": N_("cannot read {path}: only .csv and .xlsx are supported"),
    "member.copy_format": N_("a member's copy is written as an .xlsx file, not {path}"),
    "import.no_name_column": N_("the file has no name column"),
    # {detail} (what the reader stumbled on) goes to the log, not to the owner.
    "import.phone_scientific": N_(
        "the phone {phone} was saved by Excel in scientific notation and lost its last "
        "digits: format the column as text in Excel and type the numbers again"
    ),
    "import.unreadable": N_("cannot read {path}: the file is damaged or not what its name says"),
    "import.bad_encoding": N_(
        "cannot tell the text encoding of {path}: it is not UTF-8, UTF-16, GB18030 or Big5; "
        "save it from Excel as “CSV UTF-8”"
    ),
    "import.not_text": N_(
        "{path} is not a text (CSV) file; save the sheet from Excel as “CSV UTF-8” or as .xlsx"
    ),
    "import.xlsx_named_csv": N_(
        "{path} is an Excel workbook saved under a .csv name; rename it to .xlsx and import again"
    ),
    "import.too_large": N_(
        "{path} is {size}; an import reads at most {limit} (about {rows} rows): split the file"
    ),
    "import.too_many_rows": N_(
        "{path} has more than {limit} rows; an import reads at most that many: split the file. "
        "Nothing was imported"
    ),
    "import.xlsx_bomb": N_(
        "{path} would unpack from {packed} to {unpacked}, far more than a member sheet holds; "
        "it is refused. Save a fresh copy from Excel, or split it"
    ),
    "import.xlsx_entities": N_(
        "{path} declares XML entities (in {part}), which Excel never writes; it is refused as "
        "unsafe. Save a fresh copy from Excel"
    ),
    "import.bad_quote": N_(
        'cannot read {path} past row {row}: the quote (") opened on line {line} of the file is '
        "not closed where its cell ends, so the rows after it would run together. Nothing was "
        "imported: close the quote and import again"
    ),
    "import.unclosed_quote": N_(
        'a quote (") left open ran lines {first}–{last} of the file together into this row; '
        "close the quote and import again"
    ),
    "import.file_changed": N_(
        "{path} changed while it was being checked; nothing was written: import it again"
    ),
    "import.no_rows": N_("{path} has no rows under its header: nothing to import"),
    "import.nothing_to_write": N_(
        "nothing to write: of {total} rows, {bad} have problems and {skipped} are about members "
        "already here (each is listed above)"
    ),
    "import.column_repeated": N_(
        "column “{column}” means the same as “{first}”; only “{first}” is read"
    ),
    "import.column_unknown": N_("column “{column}” is not known; ignored"),
    "import.column_ignored": N_("column “{column}” is not imported"),
    "import.bad_points": N_("{column} “{value}” is not a whole number of points"),
    "import.bad_amount": N_("{column} “{value}” is not an amount in yuan (e.g. 350.00)"),
    "import.balance_negative": N_("{column} “{value}” is negative; an opening balance cannot be"),
    "import.balance_too_large": N_("{column} “{value}” is more than {limit}; check the cell"),
    "import.balance_kept": N_(
        "the row's balances are not opened: {name} (card {card}) is a member here already, "
        "holding {points} points and {wallet} stored value; change those with a points "
        "adjustment or a top-up"
    ),
    "import.already_here": N_(
        "already here: member {name} (card {card}) has this card or phone; the row is not "
        "imported again"
    ),
    "import.bad_date": N_("{column} “{value}” is not a valid date (e.g. 2024-05-20)"),
    "import.bad_birthday": N_(
        "birthday “{value}” is not understood (e.g. 1990-05-20, or lunar 1990-04-26)"
    ),
    "import.date_future": N_("{column} “{value}” is in the future"),
    "import.bad_yes_no": N_("{column} “{value}” should be yes or no"),
    "import.bad_status": N_("status “{value}” is not one of active, lost, frozen, cancelled"),
    "import.status_new": N_(
        "a new member with status “{status}” cannot be imported; import, then change the status"
    ),
    "import.salesperson_unknown": N_(
        "no staff member named {name}; add them in staff management first"
    ),
    "import.tier_unconfigured": N_(
        "tier “{tier}” cannot be imported: no tiers are set up yet (set up the loyalty program first)"
    ),
    "import.tier_unknown": N_("no such tier: {tier} (known: {known})"),
    "import.phone_masked": N_(
        "phone {phone} is masked and cannot be imported; export with full phone numbers"
    ),
    "import.card_mismatch": N_(
        "phone {phone} belongs to member {name} (card {member_card}), not to card {card}"
    ),
    "import.duplicate_card": N_("card {value} repeats row {other}"),
    "import.duplicate_phone": N_("phone {value} repeats row {other}"),
    "import.same_member": N_("same member {value} as row {other}"),
    "import.referrer_bad_row": N_("referrer {ref} is on row {row}, which has problems"),
    "import.referrer_cycle": N_("rows {rows} refer each other in a circle"),
    "import.skip_newer": N_("skipped: the store's record of {name} is newer (updated {when})"),
    "import.skip_same": N_(
        "skipped: the store's record of {name} has the same update time ({when})"
    ),
    "import.skip_no_time": N_(
        "skipped: the row has no update time, so the store's record of {name} is kept"
    ),
    # The product catalogue, its import and the till's one box.
    "item.code_required": N_("give the item a code or a barcode"),
    "item.code_invalid": N_(
        "item code {code} is invalid: use up to 40 letters, digits, “-”, “_” or “.”"
    ),
    "item.code_duplicate": N_("item code {code} is already used by {name}"),
    "item.barcode_invalid": N_(
        "barcode {barcode} is invalid: use up to 40 letters, digits, “-”, “_” or “.”"
    ),
    "item.barcode_check_digit": N_(
        "barcode {barcode} fails its check digit (EAN / UPC); scan or type it again"
    ),
    "item.barcode_duplicate": N_("barcode {barcode} already belongs to {name} ({code})"),
    "item.code_reads_as_price": N_(
        "at the till, typing {code} will add this item instead of ringing up {price}; to "
        "sell something at {price} the cashier will then type {example}. Use {code} for "
        "this item all the same?"
    ),
    "item.code_is_last4": N_(
        "the till also reads {code} as the last four digits of a phone, and {members} "
        "member(s) have a phone ending in {code}: typing {code} there will ask each time whether "
        "this item or a member is meant. Use {code} for this item all the same?"
    ),
    "item.too_many_barcodes": N_("an item has at most {max} barcodes"),
    "item.name_required": N_("the item's name is required"),
    "item.price_required": N_("the item's price is required (0 for an item given away)"),
    "item.name_too_long": N_("the item's name cannot be longer than {max} characters"),
    "item.category_too_long": N_("the category cannot be longer than {max} characters"),
    "item.member_price_above": N_("the member price {member_price} is above the price {price}"),
    "item.not_found": N_("item not found"),
    "item.stale": N_("item {name} was changed by someone else; reload and try again"),
    "item.inactive": N_(
        "{name} ({code}) is deactivated and not sold; take it back in the catalogue first"
    ),
    "items_import.no_name_column": N_("the file has no column with the items' names"),
    "items_import.price_missing": N_("a new item needs a price"),
    "items_import.duplicate_code": N_("item code {value} repeats row {other}"),
    "items_import.duplicate_barcode": N_("barcode {value} repeats row {other}"),
    "items_import.unchanged": N_("already here: {name} ({code}) is the same; nothing to change"),
    "items_import.bad_state": N_("“{value}” should be active or inactive"),
    "items_import.code_reads_as_price": N_(
        "at the till, typing {code} will add this item instead of ringing up {price}; to sell "
        "something at {price} the cashier will type {example}. The row is imported all the same"
    ),
    "items_import.code_is_last4": N_(
        "the till also reads {code} as the last four digits of a phone, and {members} "
        "member(s) have a phone ending in {code}: typing {code} there asks whether this item or "
        "a member is meant. The row is imported all the same"
    ),
    "items_import.nothing_to_write": N_(
        "nothing to write: of {total} rows, {bad} have problems and {skipped} are the same as "
        "the items here (each is listed above)"
    ),
    "scan.price_zero": N_("a price must be more than ¥0.00"),
    "scan.no_last4": N_(
        "no member's phone ends in {digits}; to sell at {price}, type it with a point or ¥ "
        "({digits}.00 or ¥{digits})"
    ),
    "scan.unknown": N_("no item or member card has the number {code}"),
    "scan.nothing": N_("no item or member matches “{query}”"),
    "scan.nothing_name": N_("no item or member matches “{query}” (a new member? F3 issues a card)"),
    "export.write_failed": N_("cannot write {path}: {reason}"),
    "timezone.invalid": N_("unknown time zone {tz}"),
    "language.unknown": N_("unknown language {lang}: choose zh_CN, zh_TW or en"),
    "program.missing": N_("loyalty program version {version} not found"),
    "points.insufficient": N_("member {name} holds {have} points, not the {need} needed"),
    "wallet.insufficient": N_("member {name}'s stored value is {have}, not the {need} needed"),
    "sale.empty": N_("enter an amount or some lines first"),
    "sale.line_invalid": N_("line {line}: {reason}"),
    "sale.walk_in_points": N_("a walk-in customer cannot use points or stored value"),
    "tender.unknown": N_("unknown tender: {tender}"),
    "tender.short": N_("{missing} is still to be paid"),
    "tender.over": N_("{kind} payment {paid} exceeds the {due} due; only cash gives change"),
    "wallet.over_due": N_("stored-value payment {wallet} exceeds the {due} due"),
    "discount.percent_invalid": N_(
        "“{value}” is not a percentage to take off: type a whole number from 1 to 100"
    ),
    "discount.over_100": N_("a discount cannot be more than 100% ({value})"),
    "discount.program_better": N_(
        "line {line} already has {discount} off by the program: a discount by hand must take off "
        "more (discounts do not add up)"
    ),
    "discount.program_better_sale": N_(
        "the program already takes more off every line than this discount would: nothing to add"
    ),
    "discount.amount_zero": N_("the discount must be more than ¥0.00"),
    "discount.price_negative": N_("a price cannot be negative ({value})"),
    "discount.mode_unknown": N_("unknown kind of discount: {mode}"),
    "discount.over_line": N_(
        "line {line}: the discount {discount} is more than the line's {amount}"
    ),
    "discount.over_sale": N_(
        "the discount {discount} is more than the {amount} it can be taken from"
    ),
    "discount.sale_price": N_(
        "a whole sale has no price to change; change the price of a line instead"
    ),
    "discount.nothing_to_discount": N_(
        "no line of this sale can take a whole-sale discount: they are no-discount items or "
        "have their own discount"
    ),
    "discount.needs_approval": N_(
        "{what}: {why}; a manager or the owner must approve it with their PIN"
    ),
    "discount.approver_limit": N_("{name} cannot approve {what}: {why}"),
    "discount.approver_missing": N_("choose who approves it first"),
    "discount.limits_owner": N_("only the owner may change the discount limits ({name} may not)"),
    "discount.limits_order": N_("a cashier's limit cannot be above a manager's"),
    "points.over_max": N_(
        "at most {most} points (worth {value}) can be used on this sale, not {points}"
    ),
    "paycode.tender": N_("{tender} takes no payment code"),
    "paycode.invalid": N_(
        "{code} is not a WeChat or Alipay payment code (WeChat: 18 digits beginning 10–15; "
        "Alipay: 16–24 digits beginning 25–30); scan it again"
    ),
    "paycode.other_app": N_("this is an {app} payment code; put it under {app}, not {tender}"),
    "paycode.no_amount": N_("a payment code was scanned for {tender}, but no amount is paid by it"),
    "held.empty": N_("there is nothing to put aside"),
    "held.too_many": N_("{most} sales are put aside already; finish or void some of them first"),
    "held.gone": N_("that held sale was taken back already; look at the list again"),
    "held.unreadable": N_("that held sale cannot be read back; ring it up again"),
    "held.altered": N_(
        "that held sale was changed or written in outside memberdesk after it was put aside, "
        "so it cannot be taken back: ring the sale up again, and have a manager or the owner "
        "remove it from the held sales"
    ),
    "coupon.invalid": N_("this is not a valid coupon code: scan it again or type it as printed"),
    "coupon.unknown_key": N_(
        "this coupon was signed with a key this till does not hold: sync with head office first"
    ),
    "coupon.no_key": N_(
        "coupons need the chain's key from head office: sync once, then issue coupons"
    ),
    "coupon.used": N_("coupon {serial} has already been used"),
    "coupon.used_elsewhere": N_("coupon {serial} has already been used at store {store} on {day}"),
    "coupon.expired": N_("coupon {serial} expired on {day}"),
    "coupon.not_yet": N_("coupon {serial} can be used from {day}"),
    "coupon.other_member": N_("coupon {serial} belongs to another member: find that member first"),
    "coupon.type_unknown": N_("the program has no coupon type {code}"),
    "coupon.type_ended": N_("coupon {name} ended on {day}: no more can be issued"),
    "coupon.too_large": N_("coupon {name} is worth more than a coupon can carry"),
    "coupon.nothing_covered": N_("nothing on this sale is covered by coupon {name}"),
    "coupon.below_min": N_("coupon {name} needs a spend of {need}; the sale comes to {have}"),
    "coupon.program_better": N_(
        "coupon {name} does not combine with the member's discount, which takes off more ({discount})"
    ),
    "coupon.no_points": N_("coupon {name} cannot be combined with paying by points"),
    "coupon.none_to_issue": N_("no one to issue coupons to"),
    "coupon.too_many": N_("at most {most} coupons can be issued at once"),
    "coupon.no_exchange": N_("the program does not exchange points for coupon {code}"),
    "coupon.not_found": N_("no coupon {serial} at this till"),
    "coupon.campaign_name": N_("a campaign needs a name"),
    "gift.unknown": N_("no such gift: {code}"),
    "gift.out_of_stock": N_("gift {name} is out of stock"),
    "sale.not_found": N_("no sale with receipt {receipt}"),
    "refund.nothing_left": N_("sale {receipt} is already fully refunded"),
    "refund.no_line": N_("sale {receipt} has no line {line}"),
    "refund.too_many": N_("line {line} ({description}) has only {left} left to refund"),
    "refund.exceeds": N_("a refund cannot exceed the {left} left on the sale"),
    "refund.points_spent": N_(
        "member {name} has already spent the points this sale earned ({short} short); the program refuses the refund"
    ),
    # the sales journal and the day-end report (core/till/journal.py, day_report.py)
    "journal.receipt_empty": N_("scan or type a receipt number"),
    "journal.not_a_sale": N_("{receipt} is a stored-value slip, not a sale's receipt"),
    "journal.amount_and_range": N_("give an amount or a range of amounts, not both"),
    "journal.date_and_range": N_("give one day or a range of days, not both"),
    "journal.amount_range": N_("the lowest amount {low} is above the highest {high}"),
    "journal.member_and_walk_in": N_(
        "walk-in sales have no member: look for a member's sales or for walk-in sales, not both"
    ),
    "journal.cashier_unknown": N_("no staff member is called {name} (staff: {names})"),
    "journal.member_unknown": N_("no member matches “{query}”"),
    "report.future_day": N_(
        "{day} has not come yet: a day-end report is for today or an earlier day"
    ),
    "topup.invalid": N_("a top-up must be more than zero"),
    "topup.tender": N_("top-ups are paid by cash, bank card, WeChat or Alipay"),
    "topup.not_found": N_("top-up not found"),
    "topup.already_reversed": N_("this top-up was already reversed"),
    "topup.spent": N_("stored value was spent after this top-up; it cannot be reversed"),
    "topup.over_limit": N_(
        "stored principal is at most {limit}: this member may top up at most {room} more now"
    ),
    "topup.at_limit": N_(
        "stored principal is at most {limit}: this member already holds {principal} and "
        "cannot top up more now"
    ),
    "countcard.covers": N_("a count card covers either one item (by its code) or one category"),
    "countcard.no_item": N_("there is no active item with the code {code}"),
    "countcard.no_category": N_("no item of the catalogue is in the category {category}"),
    "countcard.name": N_("the count card needs a name, such as “10 haircuts”"),
    "countcard.counts": N_("a count card holds from 1 to {max} visits"),
    "countcard.price": N_("a count card's price cannot be below zero"),
    "countcard.over_limit": N_(
        "a count card of {price} is above {limit}, the most one registered prepaid card may "
        "hold (the programme's stored value limit, as the prepaid card rules set it)"
    ),
    "countcard.valid_days": N_("a count card is valid for 1 to {max} days, or without an end"),
    "countcard.tender": N_("count cards are paid by cash, bank card, WeChat or Alipay"),
    "countcard.not_found": N_("count card not found"),
    "countcard.unconfirmed": N_(
        "the member has not confirmed using a visit of the count card: tick their confirmation box"
    ),
    "countcard.expired": N_("the count card {name} was valid until {date}"),
    "countcard.used_up": N_("the count card {name} has no visits left"),
    "report.year": N_("{year} is not a year a report can cover"),
    "report.limit": N_("a report lists from 1 to {max} members"),
    "cashout.invalid": N_("a cash-out must be above zero and at most the principal {principal}"),
    "adjust.reason": N_("a points adjustment needs a reason"),
    "adjust.zero": N_("the adjustment cannot be zero"),
    "tier.unknown": N_("the program has no tier “{tier}”"),
    "tier.reason": N_("a tier change needs a reason"),
    "shift.open": N_("{name} already has an open shift"),
    "shift.not_open": N_("no open shift"),
    "shift.closed": N_("this shift is already closed"),
    "shift.note_needed": N_(
        "the drawer is {difference} off, more than {threshold}: write what happened in the note "
        "before closing the shift"
    ),
    "shift.handover_over": N_(
        "you cannot leave {handover} in the drawer: only {counted} was counted"
    ),
    "discount.zhe_invalid": N_(
        "“{text}” is not a discount: write 95 for 95 % of the price (5 % off), 9 for 90 %, "
        "8.8 for 88 %"
    ),
    "members.filter_status": N_("unknown member status: {status}"),
    "members.filter_store": N_("unknown choice of store: {store}"),
    "members.filter_dates": N_("the joining dates are the wrong way round: {start} is after {end}"),
    "shift.note_too_long": N_("the note cannot be longer than {max} characters"),
    "amount.negative": N_("the amount cannot be negative"),
    "amount.invalid": N_("the amount {value} is invalid"),
    "amount.not_fen": N_("{what} must be a whole number of fen (cents), not {value}"),
    "amount.too_large": N_("{what} {amount} is more than the limit of {limit}"),
    "number.not_whole": N_("{what} must be a whole number, not {value}"),
    "number.too_large": N_("{what} {value} is more than the limit of {limit}"),
    "printer.setting_invalid": N_("printer setting {field}: '{value}' is not valid"),
    "printer.spec_invalid": N_(
        "cannot read the printer address '{spec}'; write it like: {examples}"
    ),
    "printer.host_missing": N_(
        "type the printer's IP address, e.g. 192.168.1.50: the printer prints it on its "
        "self-test slip (hold its FEED button while switching it on)"
    ),
    "printer.host_invalid": N_(
        "'{value}' is not an IP address: write four numbers from 0 to 255 with dots between "
        "them, e.g. 192.168.1.50"
    ),
    "printer.port_invalid": N_(
        "the port must be a whole number from 1 to 65535, not '{value}'; network receipt "
        "printers almost always use 9100"
    ),
    "printer.usb_id_invalid": N_(
        "the USB {which} '{value}' is not valid: write the 4 characters (0-9, A-F) from the "
        "printer's label or manual, e.g. 0416"
    ),
    "printer.serial_device_missing": N_(
        "choose or type the serial port the printer is plugged into, e.g. COM3 (Windows) or "
        "/dev/ttyUSB0 (Linux)"
    ),
    "printer.baud_invalid": N_(
        "the baud rate must be one of {rates} (as set on the printer), not '{value}'"
    ),
    "printer.way_unknown": N_("there is no printer connection '{value}'"),
    "printer.offline": N_(
        "cannot reach the printer ({where}): {why}. Check its power, cable or network and print again; the document is saved"
    ),
    "printer.driver_missing": N_(
        "this computer lacks the driver module for the printer ({where}: pyusb / pyserial / pywin32); connect it by network or device file instead"
    ),
    "printer.usb_library_missing": N_(
        "this computer has no USB library for the printer ({where}): install libusb "
        "(Debian/Ubuntu: libusb-1.0-0) or the printer's libusb driver on Windows, or connect it "
        "by network; the document is saved"
    ),
    "printer.paper_out": N_(
        "the printer ({where}) is out of paper: load paper and print again; the document is saved"
    ),
    "printer.write_failed": N_(
        "printing stopped ({where}): {why}. Check the printer and print again; the document is saved"
    ),
    # The same without "the document is saved": a test page or the drawer, where no
    # document of the shop's is at stake (core/printing/jobs.py, nothing_kept)
    "printer.offline_check": N_(
        "cannot reach the printer ({where}): {why}. Check its power, cable or network"
    ),
    "printer.usb_library_missing_check": N_(
        "this computer has no USB library for the printer ({where}): install libusb "
        "(Debian/Ubuntu: libusb-1.0-0) or the printer's libusb driver on Windows, or connect it "
        "by network"
    ),
    "printer.paper_out_check": N_("the printer ({where}) is out of paper: load paper"),
    "printer.write_failed_check": N_("printing stopped ({where}): {why}. Check the printer"),
    "print.layout_failed_check": N_(
        "the test page could not be laid out ({why}); please contact support"
    ),
    "print.job_not_found": N_("print job {job} not found"),
    "print.already_done": N_("this document was already printed; use reprint for another copy"),
    "print.kind_unknown": N_("cannot print documents of kind {kind}"),
    "print.nothing": N_("nothing to print for {ref}"),
    "print.no_sale": N_("there is no sale yet"),
    "print.layout_failed": N_(
        "the document could not be laid out ({why}); it is saved, please contact support"
    ),
    "followup.kind_unknown": N_("there is no list '{kind}'; choose from: {kinds}"),
    "followup.period_invalid": N_("the period ends ({end}) before it starts ({start})"),
    "followup.period_range": N_(
        "a list's dates must lie between {first} and {last}; {start} to {end} goes beyond them"
    ),
    "followup.month_invalid": N_("month '{month}' is invalid; write it like 2026-04"),
    "followup.date_invalid": N_("date '{value}' is invalid; write it like 2026-04-01"),
    "followup.setting_invalid": N_("list thresholds must be whole numbers of at least 0"),
    "followup.regular_visits_invalid": N_(
        "a regular needs at least 2 visits (to have a usual interval); the setting is {visits}"
    ),
    "call.outcome_unknown": N_("outcome '{outcome}' is invalid; choose from: {known}"),
    "call.note_too_long": N_("the note cannot be longer than {max} characters"),
    "call.several_outcomes": N_("several outcomes ticked ({boxes}); tick only one"),
    "cli.demo_and_db": N_("--demo and --db name two files: give one of them"),
    "cli.no_demo_yet": N_(
        "there is no demo shop yet: memberdesk --demo opens it in the window (built the first "
        "time), or memberdesk demo builds it"
    ),
    "call.salesperson_unknown": N_(
        "the salesperson “{name}” is not on the staff list; not recorded: write the name as the "
        "staff list has it, or leave it empty to record the call as {by}'s"
    ),
    "call.note_without_outcome": N_("a note is written but no outcome is ticked; not recorded"),
    "call.day_future": N_("the call's day {day} is still to come: give the day it was made"),
    "call.caller_unknown": N_("“{name}” is not on the staff list (or no longer works here)"),
    "call.mark_unclear": N_(
        "“{mark}” under {box} does not say whether it is ticked: write √ or yes in the one box "
        "that happened and leave the others blank (or write no); not recorded"
    ),
    "call.date_without_outcome": N_(
        "a contact date is filled in but no outcome is ticked; not recorded"
    ),
    "call.sheet_unrecognised": N_(
        "{path} is not a call list exported by memberdesk (it has no card number column)"
    ),
    "sms.template_invalid": N_("the SMS template has unbalanced braces: {template}"),
    "sms.placeholder_unknown": N_(
        "the SMS template uses an unknown placeholder {{{name}}}; available: {known}"
    ),
    "cards.nothing_selected": N_(
        "choose the cards to print: card numbers, or members who joined since a date"
    ),
    "cards.too_many": N_("at most {max} cards at a time; narrow the selection"),
    # head office's admin commands (memberdesk-hq)
    "hq.store_code_invalid": N_("invalid store code “{code}”: letters, digits, _ . - only"),
    "hq.store_exists": N_("store {code} already exists"),
    "hq.store_missing": N_("no store {code}; add it first with add-store"),
    "hq.terminal_id_invalid": N_("invalid terminal id “{terminal}”: letters, digits, _ . - only"),
    "hq.terminal_exists": N_("terminal {terminal} already exists"),
    "hq.terminal_missing": N_("no terminal {terminal}"),
    # sync to head office (core/sync)
    "sync.not_configured": N_(
        "sync is not set up: run memberdesk sync setup --url HQ_URL --terminal TERMINAL_ID first"
    ),
    "sync.no_token": N_(
        "no sync token: run memberdesk sync setup, or pass it in MEMBERDESK_SYNC_TOKEN or with --token-stdin"
    ),
    "sync.terminal_required": N_("type this till's number, as head office gave it"),
    "sync.bad_url": N_("the HQ address {url} is invalid: it must start with https:// or http://"),
    "sync.token_refused": N_(
        "HQ refused this terminal's token (wrong or revoked). Ask HQ for a new token, then run memberdesk sync setup"
    ),
    "sync.wrong_store": N_(
        "HQ has this terminal registered for store {hq_store}, not {store}, and this till has "
        "synced already; sync stopped. Ask HQ which store is right, then set it with memberdesk "
        "shop set --store … --force"
    ),
    "sync.wrong_terminal": N_(
        "this token belongs to another terminal, not {terminal}; sync stopped"
    ),
    "sync.clock": N_(
        "this computer's clock differs from HQ's by about {minutes} minutes (at most {limit} allowed); sync is paused so no day is booked wrongly. Set the clock right first"
    ),
    "sync.diverged": N_(
        "this till's records disagree with HQ's from number {seq} on: it was probably restored "
        "from an older backup, so HQ holds records this till no longer has. Nothing here is lost "
        "and sales go on; ask HQ to run memberdesk-hq rebase-terminal {terminal}, then sync again"
    ),
    "sync.gap": N_(
        "HQ asks to resend from number {expected}, which this terminal cannot supply; sync stopped: contact HQ"
    ),
    "sync.protocol": N_(
        "HQ's server speaks a sync protocol this program does not; upgrade the program"
    ),
    "sync.refused": N_("HQ refused the batch (HTTP {status} {code}); sync stopped: contact HQ"),
    "sync.not_hq": N_(
        "{url} answered, but it is not a head office server (HTTP {status}): check the head "
        "office address; nothing was sent and everything is kept here"
    ),
    "sync.offline": N_(
        "cannot reach HQ right now ({what}); everything is kept here and will be sent later"
    ),
    "sync.terminal_changed": N_(
        "this computer already syncs as terminal {old}; switching to {new} would send every record again. For a lost token ask HQ for a new one for {old} (memberdesk-hq new-token); to switch anyway, add --force"
    ),
    "sync.no_token_given": N_("no token was given"),
    "sync.unsealed": N_(
        "the head office address or terminal id in this shop's file is not the one last set at "
        "this till (it was changed outside memberdesk): nothing was sent to or fetched from "
        "{url}. A manager sets the head office address again in the sync settings, which seals it"
    ),
    "identity.store_code": N_(
        "store code {code} is invalid: use 1–40 letters, digits, - or _ (e.g. S002)"
    ),
    "identity.terminal_code": N_(
        "terminal code {code} is invalid: use two digits from 01 to 99, one per till of the store"
    ),
    "identity.card_prefix": N_(
        "card prefix {prefix} is invalid: use 2–6 digits not starting with 0, as HQ gave it"
    ),
    "identity.synced": N_(
        "this till has synced as store {store}, terminal {terminal}, card prefix {prefix}; its "
        "receipts and cards are known at HQ under these, so changing them would make numbers "
        "collide or disagree with HQ. Ask HQ first; to change anyway, add --force"
    ),
    "sync.identity_mismatch": N_(
        "HQ has this till as store {hq_store}, terminal {hq_terminal}, card prefix {hq_prefix}, "
        "but it is set up as store {store}, terminal {terminal}, card prefix {prefix} and has "
        "synced already: ask HQ which is right, then set it with memberdesk shop set … --force"
    ),
    "card.in_use_in_chain": N_(
        "card number {card} is already in use at store {store} of the chain; use another card"
    ),
    "clock.off": N_(
        "this till's clock is {minutes} minutes off from HQ's (at most {limit} allowed): sales "
        "would be booked on the wrong day. Set the computer's date and time, then sync again"
    ),
    "clock.behind": N_(
        "this till's clock ({now}) is behind a time HQ already gave it ({seen}): sales would be "
        "booked on the wrong day. Set the computer's date and time, then sync again"
    ),
    "sync.internal": N_("sync failed ({what}); everything is kept here; details in the log"),
    "sync.too_large": N_("this record is too large for HQ to accept ({size} bytes)"),
    # the chain's members (core/members/chain_policy.py, core/sync/pull.py)
    "sync.directory": N_(
        "HQ sent a member this till cannot take ({field}); nothing of that page was kept: contact HQ"
    ),
    "sync.directory_refused": N_(
        "HQ refused to send the chain's members (HTTP {status} {code}): contact HQ"
    ),
    "chain.offline_points": N_(
        "this till has not heard from HQ for over {minutes} minutes: {name} may spend at most "
        "{limit} points here today (already {spent}); the rest when HQ can confirm the balance"
    ),
    "chain.offline_wallet": N_(
        "this till has not heard from HQ for over {minutes} minutes: {name} may spend at most "
        "{limit} of stored value here today (already {spent}); the rest when HQ can confirm the balance"
    ),
}


def message_id(code: str) -> str:
    """The catalogue's message id of an error code (an unknown code reads as itself)."""
    return MESSAGES.get(code, code)


class DomainError(Exception):
    """A refusal the user can act on. Nothing was changed when it is raised."""

    # The part of a request it refuses, where the rest stands without it (a sale's points,
    # its stored value, one tender: core/till/checkout.py); "" when it refuses the whole.
    part: str = ""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message(DEFAULT_LANG))

    @property
    def msgid(self) -> str:
        return message_id(self.code)

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        return translate(self.msgid, lang, **self.params)


class ValidationFailed(DomainError):
    """Several field errors at once, so a form can show each beside its field."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        self.errors = errors
        first = next(iter(errors.values()))
        super().__init__(first.code, **first.params)

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        errors = getattr(self, "errors", None)
        if not errors:  # while __init__ is still running
            return super().message(lang)
        return join((e.message(lang) for e in errors.values()), lang, kind="clauses")
