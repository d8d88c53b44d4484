"""STAND-IN for Tchap's server-side naming rules (test/demo federation only).

Tchap's homeservers derive a new account's Matrix ID and display name from the
email validated at registration; the user never picks them. This Synapse module
reproduces those rules with Synapse's public module API
(`register_password_auth_provider_callbacks(get_username_for_registration=...,
get_displayname_for_registration=...)`, Synapse >= 1.46):

  prenom.nom@dinum.gouv.fr  ->  localpart "prenom.nom-dinum.gouv.fr"
                                display name "Prenom Nom [Dinum]"
  jean.dupont@example.com   ->  "jean.dupont-example.com", "Jean Dupont [Example]"

Display name: the part before "@" with dots as spaces, each word (and each
hyphenated part) capitalised; between brackets the organisation: the label
before "gouv.fr" for a gouv.fr address, otherwise the email domain's
second-level label (as Tchap's own synapse module does: "mail.example.com"
gives "Example").

Load it in homeserver.yaml (tests/federation must be on PYTHONPATH):

  modules:
    - module: tchap_names_standin.TchapNamesStandin
      config: {}

The pure functions below need no Synapse and are reused by fed_admin.py.
"""
import re

EMAIL_AUTH_TYPE = "m.login.email.identity"
# Characters Synapse accepts in a localpart (synapse.types.mxid_localpart_allowed_characters).
_ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789._=-/+")


def localpart_for_email(address):
    """Tchap's Matrix ID localpart for an email: '@' replaced by '-', lowercased.
    Any character Synapse would refuse is encoded as '=xx' (Synapse's own escaping)."""
    raw = address.strip().lower().replace("@", "-")
    out = []
    for c in raw:
        out.append(c if c in _ALLOWED else "".join("=%02x" % b for b in c.encode()))
    return "".join(out)


def _cap(words):
    return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in words.split())


def organisation_for_email(address):
    domain = address.strip().lower().rsplit("@", 1)[1].split(".")
    if len(domain) >= 2 and domain[-2:] == ["gouv", "fr"]:
        return domain[-3] if len(domain) > 2 else "gouv"
    if len(domain) >= 2:
        return domain[-2]
    return domain[0]


def displayname_for_email(address):
    """'prenom.nom@dinum.gouv.fr' -> 'Prenom Nom [Dinum]'."""
    local = address.strip().rsplit("@", 1)[0]
    return "%s [%s]" % (_cap(local.replace(".", " ")), _cap(organisation_for_email(address)))


def _email_from_uia(uia_results):
    creds = (uia_results or {}).get(EMAIL_AUTH_TYPE)
    if isinstance(creds, dict) and creds.get("medium", "email") == "email":
        address = creds.get("address")
        if isinstance(address, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
            return address
    return None


class TchapNamesStandin:
    """Synapse module: Tchap-style username and display name at registration."""

    def __init__(self, config, api):
        self._api = api
        api.register_password_auth_provider_callbacks(
            get_username_for_registration=self.get_username_for_registration,
            get_displayname_for_registration=self.get_displayname_for_registration,
        )

    @staticmethod
    def parse_config(config):
        return dict(config or {})

    async def get_username_for_registration(self, uia_results, params):
        address = _email_from_uia(uia_results)
        return localpart_for_email(address) if address else None

    async def get_displayname_for_registration(self, uia_results, params):
        address = _email_from_uia(uia_results)
        return displayname_for_email(address) if address else None
