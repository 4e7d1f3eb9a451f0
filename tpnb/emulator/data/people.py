"""Names and places per language for the emulator's fictional consumers.

Each bank is a ``|``-separated string: compact to read, split once at import.
"""

from __future__ import annotations

import unicodedata


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|"))


_RAW: dict[str, tuple[str, str, str, str]] = {
    # language: (male first names, female first names, last names, cities)
    "en": ("James|Oliver|Harry|Jack|George|Noah|Daniel|Michael|David|Samuel|Thomas|Ethan",
           "Emma|Olivia|Amelia|Sophie|Grace|Chloe|Hannah|Lucy|Emily|Jessica|Sarah|Megan",
           "Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Walker|Hughes|"
           "Miller|Clarke|Turner|Hill",
           "London|Manchester|Leeds|Bristol|Glasgow|Edinburgh|Cardiff|Brighton|Liverpool|York"),
    "da": ("Mads|Rasmus|Frederik|Mikkel|Jonas|Anders|Søren|Lars|Kasper|Niels|Christian|Emil",
           "Anne|Mette|Camilla|Sofie|Ida|Freja|Line|Maria|Louise|Julie|Signe|Karen",
           "Nielsen|Jensen|Hansen|Pedersen|Andersen|Christensen|Larsen|Sørensen|Rasmussen|Jørgensen|"
           "Madsen|Kristensen",
           "København|Aarhus|Odense|Aalborg|Esbjerg|Frederiksberg|Roskilde|Vejle|Horsens|Kolding"),
    "de": ("Lukas|Jonas|Felix|Maximilian|Paul|Leon|Stefan|Thomas|Andreas|Michael|Jan|Tobias",
           "Anna|Lena|Laura|Julia|Sarah|Katharina|Lea|Sabine|Petra|Claudia|Hannah|Marie",
           "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Koch|Richter",
           "Berlin|Hamburg|München|Köln|Frankfurt|Stuttgart|Leipzig|Dresden|Bremen|Nürnberg"),
    "fr": ("Lucas|Hugo|Louis|Jules|Thomas|Nicolas|Julien|Pierre|Antoine|Mathieu|Étienne|Maxime",
           "Léa|Camille|Chloé|Manon|Emma|Sarah|Julie|Claire|Marie|Élodie|Céline|Inès",
           "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent",
           "Paris|Lyon|Marseille|Toulouse|Nantes|Bordeaux|Lille|Strasbourg|Rennes|Nice"),
    "es": ("Alejandro|Pablo|Daniel|Javier|Carlos|Miguel|David|Sergio|Jorge|Álvaro|Diego|Manuel",
           "Lucía|María|Laura|Marta|Paula|Ana|Sofía|Carmen|Elena|Andrea|Sara|Cristina",
           "García|Fernández|González|Rodríguez|López|Martínez|Sánchez|Pérez|Gómez|Martín|Ruiz|Díaz",
           "Madrid|Barcelona|Valencia|Sevilla|Bilbao|Málaga|Zaragoza|Granada|Alicante|Murcia"),
    "it": ("Marco|Luca|Giuseppe|Francesco|Alessandro|Andrea|Matteo|Lorenzo|Davide|Stefano|Paolo|Simone",
           "Giulia|Francesca|Chiara|Sara|Martina|Elena|Valentina|Alessia|Federica|Silvia|Anna|Laura",
           "Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo",
           "Roma|Milano|Napoli|Torino|Bologna|Firenze|Genova|Verona|Padova|Bari"),
    "nl": ("Daan|Sem|Lars|Bram|Thijs|Ruben|Jeroen|Pieter|Niels|Joost|Maarten|Wouter",
           "Emma|Sanne|Lisa|Anouk|Fleur|Eva|Iris|Lotte|Femke|Marieke|Noor|Julia",
           "de Jong|Jansen|de Vries|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|Bos|Vos",
           "Amsterdam|Rotterdam|Utrecht|Den Haag|Eindhoven|Groningen|Leiden|Haarlem|Delft|Tilburg"),
    "sv": ("Erik|Lars|Anders|Johan|Karl|Oskar|Lucas|William|Nils|Gustav|Axel|Magnus",
           "Anna|Maria|Emma|Elin|Sara|Karin|Ebba|Maja|Linnea|Ida|Sofia|Frida",
           "Andersson|Johansson|Karlsson|Nilsson|Eriksson|Larsson|Olsson|Persson|Svensson|Lindberg|"
           "Lindqvist|Berg",
           "Stockholm|Göteborg|Malmö|Uppsala|Västerås|Örebro|Linköping|Lund|Umeå|Helsingborg"),
    "pl": ("Jakub|Kacper|Piotr|Tomasz|Paweł|Michał|Krzysztof|Marcin|Łukasz|Adam|Marek|Wojciech",
           "Anna|Katarzyna|Magdalena|Agnieszka|Joanna|Zofia|Julia|Aleksandra|Natalia|Ewa|Marta|Monika",
           "Nowak|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zieliński|Szymański|"
           "Woźniak|Dąbrowski|Kozłowski",
           "Warszawa|Kraków|Wrocław|Poznań|Gdańsk|Łódź|Lublin|Katowice|Szczecin|Toruń"),
}  # fmt: skip

MALE: dict[str, tuple[str, ...]] = {k: _split(v[0]) for k, v in _RAW.items()}
FEMALE: dict[str, tuple[str, ...]] = {k: _split(v[1]) for k, v in _RAW.items()}
LAST: dict[str, tuple[str, ...]] = {k: _split(v[2]) for k, v in _RAW.items()}
CITIES: dict[str, tuple[str, ...]] = {k: _split(v[3]) for k, v in _RAW.items()}
CITIES["US"] = _split(
    "New York|Chicago|Austin|Seattle|Denver|Boston|Atlanta|Portland|Phoenix|Miami"
)


def first_name(language: str, index: int) -> str:
    """First name ``index`` (0..23; male below 12) of ``language``."""
    bank = MALE[language] if index < 12 else FEMALE[language]
    return bank[index % 12]


def last_name(language: str, index: int) -> str:
    """Last name ``index`` of ``language``."""
    bank = LAST[language]
    return bank[index % len(bank)]


def display_name(language: str, first: int, last: int, style: int) -> str:
    """A consumer's display name: "Anna Nowak", "Anna N." or "Anna" (by ``style`` 0, 1, 2)."""
    given = first_name(language, first)
    if style == 2:
        return given
    family = last_name(language, last)
    if style == 1:
        return f"{given} {family[0].upper()}."
    return f"{given} {family}"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text`` (for fake e-mail addresses)."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L")
    text = text.replace("æ", "ae").replace("ß", "ss")
    normal = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in normal.lower() if ch.isalnum())
