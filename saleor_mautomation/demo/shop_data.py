"""The vocabulary of the demo shop: its catalogue, the countries its customers live in, their
names and streets. Pure data; ``shop.py`` draws from it with a seeded random generator.

Every address is made up and every email domain is one reserved for examples (RFC 2606).
"""

from __future__ import annotations

from typing import NamedTuple

SHOP_NAME = "Linden Lane Goods"
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


class CategorySpec(NamedTuple):
    slug: str
    name: str
    product_type: str
    low: float  # price range of its products' base price, in USD
    high: float
    weight: int  # how often it is a customer's favourite
    adjectives: tuple[str, ...]
    nouns: tuple[str, ...]
    variants: tuple[tuple[str, ...], ...]  # the variant sets its products draw from


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "coffee-tea",
        "Coffee & Tea",
        "Beverage",
        7.5,
        32,
        24,
        ("Highland", "Morning", "Smoky", "Velvet", "Harbour", "Alpine", "Golden"),
        ("Espresso Blend", "Filter Roast", "Green Tea", "Earl Grey", "Chai", "Decaf"),
        (("250 g", "1 kg"), ("250 g",), ("20 bags", "50 bags")),
    ),
    CategorySpec(
        "kitchen",
        "Kitchen",
        "Kitchenware",
        14,
        140,
        14,
        ("Cast Iron", "Enamel", "Oak", "Copper", "Stoneware", "Linen"),
        ("Skillet", "Dutch Oven", "Cutting Board", "Knife Set", "Mug", "Tea Towel"),
        (("Black", "Sage", "Cream"), ("Small", "Large"), ("One size",)),
    ),
    CategorySpec(
        "apparel",
        "Apparel",
        "Clothing",
        18,
        95,
        20,
        ("Merino", "Organic Cotton", "Linen", "Heavyweight", "Everyday"),
        ("Tee", "Hoodie", "Overshirt", "Beanie", "Socks", "Cardigan"),
        (("S", "M", "L", "XL"), ("S", "M", "L"), ("One size",)),
    ),
    CategorySpec(
        "home-living",
        "Home & Living",
        "Homeware",
        12,
        160,
        14,
        ("Woven", "Ceramic", "Wool", "Rattan", "Brass", "Beeswax"),
        ("Throw", "Vase", "Candle", "Cushion Cover", "Lamp", "Basket"),
        (("Natural", "Charcoal"), ("One size",), ("Small", "Medium", "Large")),
    ),
    CategorySpec(
        "outdoor",
        "Outdoor",
        "Gear",
        20,
        240,
        10,
        ("Trail", "Summit", "Canvas", "Waxed", "Ultralight"),
        ("Backpack", "Water Bottle", "Rain Jacket", "Camp Stool", "Headlamp"),
        (("Olive", "Navy", "Rust"), ("One size",), ("S/M", "L/XL")),
    ),
    CategorySpec(
        "books",
        "Books",
        "Book",
        9,
        42,
        8,
        ("The Slow", "The Small", "The Seasonal", "The Patient", "The Open"),
        ("Kitchen", "Garden", "Workshop", "Journey", "Table"),
        (("Paperback", "Hardcover"), ("Paperback",)),
    ),
    CategorySpec(
        "beauty",
        "Beauty",
        "Care",
        6,
        58,
        10,
        ("Rosemary", "Oat", "Cedar", "Seaweed", "Calendula"),
        ("Hand Cream", "Soap Bar", "Shampoo", "Lip Balm", "Face Oil"),
        (("50 ml", "150 ml"), ("One size",), ("Unscented", "Lavender")),
    ),
)


class Country(NamedTuple):
    code: str
    name: str
    weight: int  # share of the customers, in percent
    language: str  # Saleor's LanguageCodeEnum
    channel: str  # the channel slug its customers buy in
    phone_prefix: str
    areas: tuple[str, ...]  # countryArea values (empty: the country has none in addresses)
    cities: tuple[tuple[str, str], ...]  # (city, postal code prefix)
    streets: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "US",
        "United States of America",
        34,
        "EN_US",
        "default-channel",
        "+1",
        ("NY", "CA", "TX", "IL", "WA", "MA", "CO"),
        (
            ("Brooklyn", "112"),
            ("Oakland", "946"),
            ("Austin", "787"),
            ("Chicago", "606"),
            ("Seattle", "981"),
            ("Boston", "021"),
            ("Denver", "802"),
        ),
        ("Maple Street", "Oak Avenue", "Cedar Lane", "Elm Road", "Pine Court"),
        (
            "Emma",
            "Olivia",
            "Liam",
            "Noah",
            "Ava",
            "Mia",
            "Ethan",
            "Lucas",
            "Harper",
            "Mason",
            "Grace",
            "Caleb",
        ),
        (
            "Smith",
            "Johnson",
            "Brown",
            "Garcia",
            "Miller",
            "Davis",
            "Wilson",
            "Taylor",
            "Clark",
            "Lewis",
            "Walker",
            "Young",
        ),
    ),
    Country(
        "GB",
        "United Kingdom",
        12,
        "EN_GB",
        "default-channel",
        "+44",
        ("",),
        (
            ("London", "N1"),
            ("Manchester", "M4"),
            ("Bristol", "BS1"),
            ("Leeds", "LS2"),
            ("Edinburgh", "EH3"),
        ),
        ("High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"),
        ("Oliver", "Amelia", "George", "Isla", "Harry", "Poppy", "Jack", "Freya", "Alfie", "Ellie"),
        (
            "Jones",
            "Williams",
            "Evans",
            "Thomas",
            "Roberts",
            "Hughes",
            "Wright",
            "Hall",
            "Green",
            "Wood",
        ),
    ),
    Country(
        "DE",
        "Germany",
        16,
        "DE_DE",
        "channel-eur",
        "+49",
        ("",),
        (("Berlin", "10"), ("Hamburg", "20"), ("München", "80"), ("Köln", "50"), ("Leipzig", "04")),
        ("Lindenstraße", "Hauptstraße", "Gartenweg", "Bahnhofstraße", "Am Markt"),
        ("Anna", "Lena", "Jonas", "Paul", "Marie", "Felix", "Lukas", "Sophie", "Emil", "Hannah"),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Becker",
            "Hoffmann",
            "Wagner",
            "Koch",
            "Richter",
        ),
    ),
    Country(
        "FR",
        "France",
        10,
        "FR_FR",
        "channel-eur",
        "+33",
        ("",),
        (
            ("Paris", "750"),
            ("Lyon", "690"),
            ("Nantes", "440"),
            ("Lille", "590"),
            ("Bordeaux", "330"),
        ),
        ("Rue de la Paix", "Rue Victor Hugo", "Avenue Jean Jaurès", "Rue du Moulin"),
        ("Camille", "Louise", "Hugo", "Léa", "Jules", "Chloé", "Louis", "Manon", "Arthur"),
        ("Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Moreau", "Laurent", "Simon"),
    ),
    Country(
        "PL",
        "Poland",
        8,
        "PL_PL",
        "channel-eur",
        "+48",
        ("",),
        (("Warszawa", "00"), ("Kraków", "31"), ("Wrocław", "50"), ("Gdańsk", "80")),
        ("ul. Lipowa", "ul. Polna", "ul. Ogrodowa", "ul. Leśna"),
        ("Zofia", "Jan", "Julia", "Jakub", "Maja", "Antoni", "Łucja", "Szymon"),
        ("Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski"),
    ),
    Country(
        "CA",
        "Canada",
        6,
        "EN_CA",
        "default-channel",
        "+1",
        ("ON", "BC", "QC", "AB"),
        (("Toronto", "M5V"), ("Vancouver", "V6B"), ("Montréal", "H2X"), ("Calgary", "T2P")),
        ("King Street", "Queen Street", "Bay Street", "Granville Street"),
        ("Charlotte", "Benjamin", "Chloe", "William", "Sophia", "James", "Zoe"),
        ("Tremblay", "Roy", "Gagnon", "MacDonald", "Campbell", "Anderson", "Scott"),
    ),
    Country(
        "ES",
        "Spain",
        5,
        "ES_ES",
        "channel-eur",
        "+34",
        ("",),
        (("Madrid", "280"), ("Barcelona", "080"), ("Valencia", "460"), ("Sevilla", "410")),
        ("Calle Mayor", "Calle del Sol", "Avenida de la Paz", "Calle Real"),
        ("Lucía", "Martina", "Hugo", "Mateo", "Sofía", "Daniel", "Paula"),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez"),
    ),
    Country(
        "NL",
        "Netherlands",
        5,
        "NL_NL",
        "channel-eur",
        "+31",
        ("",),
        (("Amsterdam", "10"), ("Utrecht", "35"), ("Rotterdam", "30"), ("Groningen", "97")),
        ("Kerkstraat", "Dorpsstraat", "Molenweg", "Schoolstraat"),
        ("Sanne", "Daan", "Fenna", "Sem", "Noor", "Bram", "Tess"),
        ("de Jong", "Jansen", "de Vries", "Bakker", "Visser", "Smit"),
    ),
    Country(
        "IT",
        "Italy",
        4,
        "IT_IT",
        "channel-eur",
        "+39",
        ("",),
        (("Milano", "201"), ("Roma", "001"), ("Torino", "101"), ("Bologna", "401")),
        ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante"),
        ("Giulia", "Leonardo", "Sofia", "Francesco", "Aurora", "Alessandro"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"),
    ),
)

CHANNELS = (
    # (pk, slug, name, currency, default country, price factor against the USD catalogue: the
    # channel's listing prices are the USD ones times it, rounded to a whole amount less 0.05)
    (1, "default-channel", "Channel-USD", "USD", "US", 1.0),
    (2, "channel-eur", "Channel-EUR", "EUR", "DE", 0.95),
)

# Variants on promotion in each channel when the shop is generated (each of another product).
PROMOTIONS = 4

# Relative order volume per month (January first): a December peak, a quiet late winter.
SEASON = (0.75, 0.7, 0.85, 0.9, 1.0, 0.95, 0.9, 0.95, 1.0, 1.1, 1.45, 1.8)
