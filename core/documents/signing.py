"""The signature block's authority line (Decree 30/2020/NĐ-CP, Appendix I, II.7.b): on behalf of a collective "TM.",
a deputy signing for the head "KT.", an acting head "Q.", by order "TL.", by authorisation "TUQ."; a head signing in
his own name writes no prefix. Checked when a signer is entered: what looks wrong is a warning, not a refusal (the
clerk knows the case)."""

from django.utils.translation import gettext as _

PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")


def authority_warnings(authority: str, position: str) -> list[str]:
    """What a clerk would question in the authority line given the signer's position."""
    authority = " ".join((authority or "").split()).upper()
    position = " ".join((position or "").split()).upper()
    warnings = []
    prefix = authority.split(" ", 1)[0] if authority else ""
    if prefix.endswith(".") and prefix not in PREFIXES:
        warnings.append(
            _("The authority line starts with “%(prefix)s”: Decree 30 knows TM., KT., Q., TL. and TUQ.")
            % {"prefix": prefix}
        )
    if position.startswith("PHÓ") and prefix != "KT.":
        warnings.append(
            _(
                "The signer is a deputy (“%(position)s”): Decree 30 has a deputy sign for the head with “KT.” at the "
                "start of the authority line (e.g. “KT. TRƯỞNG KHỐI”)."
            )
            % {"position": position.title()}
        )
    return warnings
