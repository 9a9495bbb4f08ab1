"""Fixed vocabularies for synthetic data: places with real postcode areas, names, and the
shares that make a load look like a real programme. Invented people only; no real addresses.
"""

from __future__ import annotations

# (postcode area, town, nation): real outward-code areas, so district reports look familiar.
PLACES: tuple[tuple[str, str, str], ...] = (
    ("LS", "Leeds", "england"), ("BD", "Bradford", "england"), ("M", "Manchester", "england"),
    ("B", "Birmingham", "england"), ("NE", "Newcastle", "england"), ("S", "Sheffield", "england"),
    ("L", "Liverpool", "england"), ("BS", "Bristol", "england"), ("NG", "Nottingham", "england"),
    ("LE", "Leicester", "england"), ("CV", "Coventry", "england"), ("ST", "Stoke", "england"),
    ("DE", "Derby", "england"), ("HU", "Hull", "england"), ("YO", "York", "england"),
    ("HG", "Harrogate", "england"),
    ("WF", "Wakefield", "england"),
    ("HD", "Huddersfield", "england"),
    ("HX", "Halifax", "england"), ("OL", "Oldham", "england"), ("BL", "Bolton", "england"),
    ("WN", "Wigan", "england"), ("PR", "Preston", "england"), ("BB", "Blackburn", "england"),
    ("FY", "Blackpool", "england"), ("LA", "Lancaster", "england"), ("CA", "Carlisle", "england"),
    ("DH", "Durham", "england"),
    ("SR", "Sunderland", "england"),
    ("TS", "Middlesbrough", "england"),
    ("DL", "Darlington", "england"), ("DN", "Doncaster", "england"), ("LN", "Lincoln", "england"),
    ("PE", "Peterborough", "england"), ("NR", "Norwich", "england"), ("IP", "Ipswich", "england"),
    ("CB", "Cambridge", "england"),
    ("CO", "Colchester", "england"),
    ("CM", "Chelmsford", "england"),
    ("SS", "Southend", "england"),
    ("MK", "Milton Keynes", "england"),
    ("NN", "Northampton", "england"),
    ("OX", "Oxford", "england"), ("RG", "Reading", "england"), ("SL", "Slough", "england"),
    ("GU", "Guildford", "england"),
    ("PO", "Portsmouth", "england"),
    ("SO", "Southampton", "england"),
    ("BH", "Bournemouth", "england"), ("SP", "Salisbury", "england"), ("BA", "Bath", "england"),
    ("EX", "Exeter", "england"), ("PL", "Plymouth", "england"), ("TQ", "Torquay", "england"),
    ("TR", "Truro", "england"), ("TA", "Taunton", "england"), ("GL", "Gloucester", "england"),
    ("HR", "Hereford", "england"), ("WR", "Worcester", "england"), ("SY", "Shrewsbury", "england"),
    ("TF", "Telford", "england"), ("WV", "Wolverhampton", "england"), ("WS", "Walsall", "england"),
    ("DY", "Dudley", "england"), ("CW", "Crewe", "england"), ("CH", "Chester", "england"),
    ("WA", "Warrington", "england"),
    ("SK", "Stockport", "england"),
    ("CT", "Canterbury", "england"),
    ("ME", "Medway", "england"),
    ("TN", "Tunbridge Wells", "england"),
    ("BN", "Brighton", "england"),
    ("RH", "Crawley", "england"), ("LU", "Luton", "england"), ("SG", "Stevenage", "england"),
    ("AL", "St Albans", "england"),
    ("WD", "Watford", "england"),
    ("HP", "Hemel Hempstead", "england"),
    ("E", "East London", "england"),
    ("N", "North London", "england"),
    ("NW", "North West London", "england"),
    ("SE", "South East London", "england"),
    ("SW", "South West London", "england"),
    ("W", "West London", "england"),
    ("CR", "Croydon", "england"), ("BR", "Bromley", "england"), ("DA", "Dartford", "england"),
    ("EN", "Enfield", "england"), ("HA", "Harrow", "england"), ("IG", "Ilford", "england"),
    ("KT", "Kingston", "england"), ("RM", "Romford", "england"), ("SM", "Sutton", "england"),
    ("TW", "Twickenham", "england"), ("UB", "Southall", "england"), ("CF", "Cardiff", "wales"),
    ("SA", "Swansea", "wales"), ("NP", "Newport", "wales"), ("LL", "Llandudno", "wales"),
    ("LD", "Llandrindod Wells", "wales"),
    ("G", "Glasgow", "scotland"),
    ("EH", "Edinburgh", "scotland"),
    ("AB", "Aberdeen", "scotland"), ("DD", "Dundee", "scotland"), ("FK", "Falkirk", "scotland"),
    ("KY", "Kirkcaldy", "scotland"),
    ("PA", "Paisley", "scotland"),
    ("ML", "Motherwell", "scotland"),
    ("KA", "Kilmarnock", "scotland"), ("IV", "Inverness", "scotland"), ("PH", "Perth", "scotland"),
    ("DG", "Dumfries", "scotland"), ("BT", "Belfast", "northern_ireland"),
)  # fmt: skip

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's inward part may use

VENUE_KINDS = (
    "Medical Centre", "Family Hub", "Children's Centre", "Community Centre", "Health Centre",
    "Library", "Baptist Church Hall", "Leisure Centre", "Family Centre", "Surgery",
)  # fmt: skip
STREETS = (
    "High Street", "Station Road", "Church Lane", "Park Road", "Mill Lane", "Victoria Road",
    "Queen Street", "The Green", "Chapel Street", "Green Lane", "Manor Road", "School Lane",
)  # fmt: skip
AREA_WORDS = ("North", "South", "East", "West", "Central")

GIVEN_NAMES = (
    "Amelia", "Olivia", "Sophie", "Chloe", "Emily", "Jessica", "Hannah", "Laura", "Rachel",
    "Gemma", "Aisha", "Fatima", "Zara", "Amira", "Priya", "Anjali", "Kasia", "Agnieszka",
    "Ioana", "Maryam", "Hodan", "Nia", "Ffion", "Siobhan", "Grace", "Megan", "Lucy", "Ellie",
    "James", "Tom", "Daniel", "Mohammed", "Adam", "Tomasz", "Ravi", "Owen", "Liam", "Sam",
)  # fmt: skip
BABY_NAMES = (
    "Oliver", "Noah", "Arthur", "Leo", "Muhammad", "George", "Freddie", "Theo", "Jack", "Oscar",
    "Olivia", "Amelia", "Isla", "Lily", "Ava", "Freya", "Ivy", "Florence", "Willow", "Mia",
    "Zara", "Yusuf", "Aria", "Elsie", "Hana", "Maja", "Ibrahim", "Rosie", "Alfie", "Evie",
)  # fmt: skip
FAMILY_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Khan", "Ahmed", "Hussain", "Begum", "Evans", "Thomas", "Roberts", "Walker", "Wright",
    "Nowak", "Kowalska", "Popescu", "Ali", "Singh", "Kaur", "Hughes", "Green", "Hall", "Wood",
    "Clarke", "Murphy", "Campbell", "Stewart", "Okafor", "Mensah", "Osman", "Edwards",
)  # fmt: skip

# Carer language shares (England); Welsh rises in Wales.
LANGUAGES = (
    ("en", 84.0), ("pl", 3.0), ("ur", 3.0), ("pa", 2.0), ("bn", 2.0), ("ar", 2.0),
    ("ro", 1.5), ("so", 1.0), ("cy", 0.2), ("other", 1.3),
)  # fmt: skip
WELSH_SHARE_IN_WALES = 12.0
INTERPRETER_SHARE = 0.35  # of carers whose language is not English (or Welsh)

# Referral reasons: the chance each is ticked (a referral always has at least one).
REASON_CHANCES = (
    ("first_time", 0.45), ("low_mood", 0.30), ("bonding", 0.18), ("unsettled", 0.28),
    ("isolation", 0.12), ("other", 0.04),
)  # fmt: skip
OTHER_REASONS = (
    "Twins at home", "Recent house move", "Parent recovering from a difficult birth",
    "Young parent", "Baby had a long hospital stay",
)  # fmt: skip

TIME_BANDS = (  # (first hour, last hour, share) for home practice, local time
    (7, 11, 0.40),
    (12, 16, 0.33),
    (17, 20, 0.22),
    (21, 23, 0.05),
)
STOP_REASONS = (
    ("not_now", 0.04), ("deferred", 0.025), ("parent_stopped", 0.035),
)  # fmt: skip
COMFORTABLE_SIGNS = ("smiling", "happy-sounds", "looking-at-you", "still-and-calm", "open-hands")
SUBTLE_SIGNS = ("looking-away", "yawning", "frowning", "hiccups", "tight-fists", "restless")
STRONG_SIGNS = ("crying", "arching", "pushing-away", "thrashing")
CRYING_REASONS = ("hungry", "pain", "sad", "tired", "frightened")

ALERT_OUTCOMES = ("no_current_risk", "support_plan", "referred_on")
ALERT_ACTIONS = (
    ["contacted_parent"],
    ["contacted_parent", "risk_assessed"],
    ["contacted_parent", "referred_gp"],
    ["contacted_parent", "referred_talking_therapies"],
)
