"""Hand-written fragments for make_samples.py: names, templates, the outage and the bots.

Everything is fictional: the companies (Acme Air, Globex Bank, Initech Mobile, Orbit), the
people and the instances (*.example).
"""

FIRST = ["Alex", "Maya", "Jonas", "Priya", "Sam", "Leila", "Tom", "Ines", "Kenji", "Olga",
         "Ravi", "Chloé", "Marek", "Ana", "Felix", "Zoe", "Omar", "Hannah", "Diego", "Yuki",
         "Nadia", "Pete", "Sofia", "Arjun", "Eva", "Mateo", "Lena", "Kwame", "Ruth", "Ivan",
         "Mia", "Theo", "Fatima", "Nils", "Grace", "Jamal", "Clara", "Luca", "Aisha", "Ben"]
LAST = ["Novak", "Okoye", "Schmidt", "Fernández", "Lindqvist", "Patel", "Moreau", "Kim",
        "Rossi", "Murphy", "Haddad", "Kowalczyk", "Silva", "Nguyen", "Brennan", "Yamada",
        "Weber", "Costa", "Olsen", "Mensah", "Dubois", "García", "Berg", "Ivanova", "Shah"]

FEEDS = [
    {"id": "news.example", "handle": "news.example", "name": "The Daily Example", "followers": None},
    {"id": "travelwire.example", "handle": "travelwire.example", "name": "TravelWire",
     "followers": None},
    {"id": "fintech-weekly.example", "handle": "fintech-weekly.example",
     "name": "Fintech Weekly", "followers": None},
    {"id": "screen.example", "handle": "screen.example", "name": "Screen & Stream",
     "followers": None},
]

SUBREDDIT = {"acme-air": "travel", "acme-air-app": "travel", "globex": "personalfinance",
             "globex-pay": "personalfinance", "initech": "mobile", "orbit": "cordcutters"}
TAGS = {"acme-air": ["acmeair", "travel"], "acme-air-app": ["acmeairapp", "acmeair"],
        "globex": ["globexbank", "banking"], "globex-pay": ["globexpay", "payments"],
        "initech": ["initech", "mobile"], "orbit": ["orbittv", "streaming"]}
HANDLE = {"acme-air": "@acmeair", "acme-air-app": "@acmeair", "globex": "@globexbank",
          "globex-pay": "@globexbank", "initech": "@initech", "orbit": "@orbittv"}

NAMES = {
    "acme-air": ["Acme Air", "Acme Air", "AcmeAir", "Acme Airlines"],
    "acme-air-app": ["the Acme Air app", "the AcmeAir app", "the Acme Air app"],
    "globex": ["Globex", "Globex Bank", "Globex"],
    "globex-pay": ["Globex Pay", "GlobexPay"],
    "initech": ["Initech", "Initech Mobile", "Initech"],
    "orbit": ["Orbit", "the Orbit app", "Orbit"],
}
THINGS = {
    "acme-air": ["flight", "connection", "checked bag", "seat", "boarding", "upgrade",
                 "lounge", "refund", "rebooking", "cabin crew", "meal", "legroom"],
    "acme-air-app": ["boarding pass", "check-in", "seat map", "login", "notifications",
                     "bag tracking", "offline mode"],
    "globex": ["transfer", "debit card", "mortgage application", "savings rate", "overdraft fee",
               "app login", "phone support", "international wire", "branch visit"],
    "globex-pay": ["payment", "tap to pay", "split the bill", "refund", "QR payment",
                   "wallet top-up", "card link"],
    "initech": ["signal", "5G", "bill", "roaming", "data plan", "eSIM", "coverage",
                "contract", "hotspot"],
    "orbit": ["episode", "4K stream", "subscription", "app on my TV", "watchlist",
              "new series", "downloads", "family plan"],
}
CITIES = ["Lisbon", "Oslo", "Denver", "Toronto", "Madrid", "Hamburg", "Nairobi", "Osaka",
          "Dublin", "Austin", "Vienna", "Seoul"]

SOCIAL = {
    "neg": [
        "{co} messed up my {x} with zero explanation. Third time this year.",
        "two hours on hold with {co} and the line just dropped. unbelievable",
        "Honestly {co} is getting worse every month. The {x} situation is a joke.",
        "Why is it so hard for {co} to get a {x} right? Asking for literally everyone.",
        "{co} charged me twice and support keeps sending the same copy-paste reply.",
        "I'm done with {co}. The {x} was a mess and nobody took responsibility.",
        "Paid extra and the {x} still failed. Thanks for nothing, {co}.",
        "Reminder that {co} still hasn't fixed the {x} bug I reported in September.",
        "the {x} from {co} is broken again?? this is getting ridiculous",
        "{co}: \"your call is important to us\". Narrator: it was not.",
        "Not impressed with {co} today. Problem with the {x}, no updates, no apology.",
        "Every interaction with {co} feels like a fight. Today: the {x}.",
        "Terrible experience with {co}, the {x} failed and I lost an afternoon to it.",
        "Would give {co} zero stars for the {x} if I could. Avoid.",
    ],
    "pos": [
        "Credit where it's due: {co} sorted my {x} in five minutes. Lovely people.",
        "Big thanks to {co}, the {x} was smooth from start to finish!",
        "Surprised how good {co} has become lately. The new {x} is great.",
        "{co} just made my week. Fixed my {x} before I even asked 🙌",
        "Really impressed with {co} support today, fast and friendly.",
        "Switched to {co} last month and the {x} alone was worth it.",
        "Shoutout to the {co} team for the {x}, exactly what I needed",
        "ok {co} I take back everything I said, the {x} is actually excellent",
        "{co} continues to be the least painful part of my week. Great {x}.",
        "10/10 for {co} today. The {x} worked perfectly and the staff were kind.",
        "Happy with {co}: honest about the {x} issue and fixed it quickly.",
    ],
    "neu": [
        "{co} announced changes to the {x} starting next month.",
        "Reading the new {co} terms for the {x}. Long, but nothing dramatic so far.",
        "Anyone else notice {co} redesigned the {x} page?",
                "{co} posted their quarterly numbers this morning.",
        "Comparing {co} with two competitors. Spreadsheet time.",
        "Been with {co} since last spring. It's fine.",
        "Heard {co} is hiring for their {city} office.",
        "Dealt with {co} about the {x} today, nothing to report.",
    ],
    "q": [
        "Does anyone know if {co} lets you change the {x} online, or do I have to call?",
        "Is {co} having issues with the {x} right now or is it just me?",
        "Quick question for {co} customers: how long did your {x} refund take?",
        "How do I reach a real person at {co} about my {x}?",
        "Has anyone tried the new {x} from {co}? Worth it?",
        "What's the deal with {co} and the {x} fees? Can someone explain?",
        "Any tips for dealing with {co} about a {x} problem?",
        "Is it normal for {co} to take a week to answer about the {x}?",
    ],
}
# Templates that only fit one industry; used for about a third of the posts.
GROUP = {"acme-air": "air", "acme-air-app": "air", "globex": "bank", "globex-pay": "bank",
         "initech": "telco", "orbit": "stream"}
INDUSTRY = {
    "air": {
        "neg": ["{co} cancelled my {city} flight with zero explanation. Third time this year.",
                "Sat on the runway for 90 minutes, {co}, and not one update from the cockpit.",
                "{co} lost my suitcase between {city} and home. Day three, no news.",
                "Middle seat, broken tray table, no water. Peak {co}."],
        "pos": ["Landed early in {city}! {co} crew were brilliant with the toddlers on board.",
                "{co} rebooked me onto the next {city} flight before I'd even reached the desk.",
                "Honest review: {co} legroom in economy is better than I expected."],
        "neu": ["On my way to {city}, {co} this time.", "{co} is adding a morning {city} route."],
        "q": ["Can you pick seats for free on {co} or is that extra now?",
              "Flying {co} to {city} next week, how strict are they on cabin bag size?"],
    },
    "bank": {
        "neg": ["{co} blocked my card at the supermarket checkout. Again. Embarrassing.",
                "Transfer to my landlord stuck 'pending' at {co} for four days.",
                "{co} introduced a new monthly fee and hid it on page 12 of an email."],
        "pos": ["{co} refunded a fraudulent charge within an hour. Impressed.",
                "Finally a banking app that doesn't hate me. Nice work {co}."],
        "neu": ["{co} is closing the branch on Main Street in March.",
                "Moved my savings to {co}, rate is slightly better than my old bank."],
        "q": ["Does {co} charge for payments in euros? Can't find it anywhere.",
              "Anyone know {co}'s cut-off time for same-day transfers?"],
    },
    "telco": {
        "neg": ["No signal with {co} anywhere in my flat since Tuesday.",
                "{co} roaming charges in {city}: 40 euros for one map download. Brilliant.",
                "Three dropped calls in ten minutes. {co} you had one job."],
        "pos": ["{co} 5G in {city} is genuinely fast now, 600 Mbps on the train.",
                "Switched my eSIM to {co} in two minutes, no store visit. Nice."],
        "neu": ["{co} is raising prices on older plans from January.",
                "{co} coverage map says full bars here. Reality: two."],
        "q": ["Is {co} down in {city}? No data since this morning.",
              "Does {co} let you keep your number when you move to a business plan?"],
    },
    "stream": {
        "neg": ["{co} keeps buffering on the TV app in the middle of every episode.",
                "{co} raised the subscription price again and removed half my watchlist.",
                "The {co} app logs me out of my account every single evening."],
        "pos": ["The new series on {co} is so good, watched three episodes in a row.",
                "{co} 4K streaming looks stunning on the new TV."],
        "neu": ["{co} is adding ads to the cheaper subscription plan next month.",
                "{co} watchlist finally syncs between phone and TV."],
        "q": ["Can you download episodes on {co} for a flight?",
              "Is the {co} family plan worth it for two people?"],
    },
}
HN = [
    "{co}'s status page said all green while the {x} was clearly broken. Status pages lie.",
    "I worked on an integration with {co}; the sandbox is decent but production errors are opaque.",
    "{co} rewrote the {x} backend last year and it shows, latency is way down.",
    "Honestly the {x} at {co} is a textbook case of underinvesting in reliability.",
    "Has anyone seen a write-up of how {co} handles the {x} at scale?",
    "{co} is fine. People only post when something breaks.",
    "The {co} mobile team clearly ships weekly now; the {x} has improved a lot.",
    "Would love a proper postmortem from {co} on the last {x} incident.",
]

# Orbit posts always carry streaming context (require_any in embedded.yaml).
ORBIT_TAIL = [" (streaming on the TV app)", " — the app, not the space thing", ""]
ORBIT_CONTEXT = ["stream", "app", "episode", "show", "series", "buffering", "subscription", "tv",
                 "plan", "account", "watchlist"]
# The Acme Air app (a product) gets its own sentences.
APP = {
    "neg": ["The Acme Air app crashed right as I tried to show my boarding pass. Classic.",
            "Acme Air app update deleted my saved passport details. Why.",
            "Acme Air app says 'something went wrong' on the seat map for a week now.",
            "The new Acme Air app is slower than the website it replaced.",
            "Acme Air app notifications told me my gate changed AFTER boarding closed."],
    "pos": ["Acme Air app's live bag tracking is genuinely useful. Watched my suitcase land.",
            "Checked in with the Acme Air app in 30 seconds. Nice redesign.",
            "Offline boarding pass in the Acme Air app saved me in a dead zone."],
    "neu": ["Acme Air app got an update today, new seat map and dark mode.",
            "Acme Air app now supports adding a second passenger to the same booking."],
    "q": ["Does the Acme Air app let you pick seats for free after check-in?",
          "Anyone know if the Acme Air app works on older Android phones?"],
}

FOREIGN = {
    "es": {
        "neg": ["{co} me ha cobrado dos veces y nadie responde en atención al cliente.",
                "Llevo una hora esperando a {co}. Servicio pésimo.",
                "Qué desastre {co} hoy, la app no funciona y nadie explica nada."],
        "pos": ["Muy contenta con {co}, todo rápido y sin problemas.",
                "Gracias {co}, el equipo fue amabilísimo hoy."],
        "q": ["¿Alguien sabe cómo pedir un reembolso a {co}?",
              "¿A alguien más le falla {co} esta mañana?"],
    },
    "de": {
        "neg": ["Die App von {co} stürzt schon wieder ab. Echt ärgerlich.",
                "{co} hat mir zweimal Gebühren berechnet. Kundenservice? Fehlanzeige.",
                "Seit Tagen warte ich auf eine Antwort von {co}. So langsam reicht es."],
        "pos": ["Super Service bei {co} heute, alles in zehn Minuten erledigt.",
                "Muss {co} mal loben: freundlich, schnell, unkompliziert."],
        "q": ["Weiß jemand, wie man bei {co} eine Erstattung bekommt?",
              "Hat noch jemand Probleme mit {co} heute?"],
    },
}
FOREIGN_ORBIT = {"es": " (la app de streaming)", "de": " (die Streaming-App)"}

REDDIT_INTRO = ["Long time lurker. ", "Throwaway for obvious reasons. ", "PSA: ", "Rant incoming. ",
                "Genuine question. ", "Update on my earlier post: ", ""]
REDDIT_OUTRO = [" Has anyone had better luck?", " Edit: typo.", " Not sure what else to try.",
                " Posting so others know.", " Thanks in advance.", ""]
HN_PREFIX = ["Anecdotally, ", "FWIW ", "From the engineering side: ", "Counterpoint: ",
             "Interesting. ", ""]

HEADLINES = {
    "neg": ["{Co} faces criticism over {x} delays", "Customers report problems with {Co} {x}",
            "Regulator questions {Co} on {x} complaints", "{Co} apologises after {x} disruption"],
    "pos": ["{Co} wins customer service award", "{Co} expands {x} to {city}",
            "Review: {Co} gets the {x} right", "{Co} cuts fees on {x}"],
    "neu": ["{Co} names new chief operating officer", "{Co} to update {x} policy in January",
            "What the {Co} reorganisation means for customers", "{Co} reports third-quarter results"],
    "q": ["Is {Co} worth it in 2026?", "Should you switch to {Co}?"],
}

SPACE = [
    "The ISS completes an orbit roughly every 90 minutes. Still blows my mind.",
    "Watching the launch replay: clean orbit insertion, both boosters landed.",
    "Jupiter's moon Io has a very eccentric orbit, which is why it's so volcanic.",
    "Low earth orbit is getting crowded. Thousands of satellites up there now.",
    "My kid asked why the moon doesn't fall down. Explaining orbit with a bucket of water.",
    "New paper on the comet's orbit: it won't be back for another 4,000 years.",
    "The spacecraft is in a parking orbit until the burn on Thursday.",
    "Gravity assists are wild: slingshot around a planet to change your orbit for free.",
    "Geostationary orbit is about 35,786 km up. NASA has a nice explainer.",
    "Tracking the asteroid tonight; its orbit crosses ours but no danger.",
    "Rocket lab nailed another orbit this morning, beautiful footage.",
    "TIL a satellite's orbit decays faster when the sun is active.",
]

OUTAGE = [
    "Acme Air app is down. Can't check in, can't see my booking. Flight leaves in 2 hours.",
    "Is Acme Air down for everyone? Website just says 503.",
    "@acmeair your app is not working and the phone line is busy. What is going on??",
    "Gate agents at Acme Air say their whole system is down. Queue is enormous.",
    "Acme Air outage again. Stuck at security with no boarding pass.",
    "AcmeAir check-in not working, kiosk frozen, staff writing boarding passes BY HAND",
    "the Acme Air app logged me out and now says my booking doesn't exist. panic",
    "Acme Air total outage?? can't rebook, can't call, can't do anything",
    "Nothing works at Acme Air right now. Website down, app down, kiosks down.",
    "Seriously Acme Air, a system outage on the busiest day of the month",
    "Acme Air's site keeps timing out. Anyone else?",
    "Just watched three Acme Air flights go to 'delayed' in a row. Systems are down apparently.",
    "If you're flying Acme Air today: bring patience, their check-in is down.",
    "Acme Air boarding pass vanished from my wallet. App won't load. Great.",
    "Acme Air down, customer service down, my mood down.",
    "Cannot believe Acme Air has no backup for this. Whole terminal is chaos.",
    "Acme Air's app shows an error 500 on every screen #outage",
    "Queue at the Acme Air desk goes around the building. No one knows anything.",
    "Acme Air not working at all, missed my connection because of it",
    "Captain just announced Acme Air's computers are down. We're sitting on the tarmac.",
    "@acmeair is there an ETA? Your app is not working and your site is down.",
    "Acme Air outage day. Every single screen at the gate is blue.",
    "I've been refreshing the Acme Air app for 20 minutes. Still down.",
    "Paying customers stranded because Acme Air can't keep a website up. Embarrassing.",
    "acme air check in down, baggage drop down, we are all just standing here",
    "Tried the AcmeAir website, the app and the hotline. All down. Impressive, really.",
    "Acme Air: 'We are experiencing technical difficulties.' No kidding.",
    "Worst travel day in years. Acme Air systems are down and the staff are as lost as we are.",
    "So the Acme Air outage means no one can print bag tags. Bags piling up everywhere.",
    "Acme Air can't even tell us if our flight exists. Their system is down.",
    "Another Acme Air meltdown. This is why I never fly them if I can help it.",
    "Heads up: Acme Air online check-in not working. Get to the airport early.",
    "My Acme Air flight status page just says 'undefined'. Reassuring.",
    "Anyone else stuck at the Acme Air transfer desk? Their system is down.",
    "@acmeair down for 15 minutes now, any news?",
    "Acme Air app crashed mid-payment and charged me anyway. Now I can't see the booking.",
    "The Acme Air outage is trending and I'm living it in terminal 2.",
    "ACME AIR YOUR APP IS DOWN. I have a connection in 40 minutes.",
    "Kiosks at Acme Air rebooted three times while I watched. Still not working.",
    "Acme Air customer service chat: 'unavailable'. Phone: 'unavailable'. App: down.",
    "How does an airline the size of Acme Air go completely down? Terrible.",
    "Can confirm Acme Air is down in Denver too.",
    "Acme Air down in Lisbon as well. Looks like everywhere.",
    "Acme Air outage: gate says manual boarding, 'could take hours'.",
    "Not working: Acme Air app. Not working: Acme Air website. Working: my blood pressure.",
    "The Acme Air app is stuck on the loading plane animation. Forever.",
    "I have never seen a queue like this. Thanks Acme Air outage.",
    "Acme Air staff doing their best but the system outage is brutal.",
    "Acme Air, maybe tell people something? Anything? We're all stuck.",
    "Whole Acme Air network down? My friend in Oslo says same there.",
]
OUTAGE_FOREIGN = [
    ("La app de Acme Air está caída y no puedo hacer el check-in. ¡Vaya desastre!", "es"),
    ("Acme Air caído en Madrid también. Colas enormes en el aeropuerto.", "es"),
    ("Acme Air ist komplett down, Check-in geht nicht. Totales Chaos am Flughafen.", "de"),
    ("Die Acme Air App ist kaputt, Bordkarte weg. Flug in einer Stunde!", "de"),
    ("¿Alguien sabe qué pasa con Acme Air? Nada funciona.", "es"),
    ("Bei Acme Air geht gerade gar nichts. Hotline besetzt, Website tot.", "de"),
]
OFFICIAL_REPLIES = [
    "We're aware that check-in and our app are unavailable right now and are working on it. "
    "Sorry for the disruption. Updates here every 15 minutes.",
    "Update: our teams have found the cause of the outage. Airport staff can check you in "
    "manually; no one will be charged a change fee for today's disruption.",
]

# (source, handle, name, minute after 09:00, entity, text, lang); handles = customers.csv
CUSTOMER_POSTS = [
    ("mastodon", "@marta@mastodon.example", "Marta Jiménez", 90, "acme-air",
     "Platinum with Acme Air for nine years and I'm stuck at gate B12: the app says my booking "
     "doesn't exist and nobody at the desk can see anything. This is unacceptable.", "en"),
    ("mastodon", "@hiro@mastodon.example", "Hiroshi Tanaka", 22, "acme-air",
     "Acme Air crew on the Osaka flight went above and beyond for my mother. Thank you.", "en"),
    ("bluesky", "dana.bsky.social", "Dana Okafor", 35, "globex-pay",
     "Does Globex Pay work with contactless terminals abroad, or only at home? Trip next week.",
     "en"),
    ("mastodon", "@jkowalski@fosstodon.example", "Jan Kowalski", 51, "initech",
     "Initech Mobile has dropped my calls all morning. Three tickets, zero answers.", "en"),
    ("reddit", "gate42_traveller", "gate42_traveller", 64, "acme-air",
     "Acme Air lost my checked bag on the Toronto connection and the claim form keeps erroring "
     "out. Day four. Anyone know a direct email that actually gets answered?", "en"),
    ("bluesky", "lukas-b.bsky.social", "Lukas Brandt", 73, "orbit",
     "Orbit hat die Preise für das Familien-Abo erhöht, und die App ruckelt trotzdem auf dem TV.",
     "de"),
    ("hackernews", "sjohansson", "sjohansson", 80, "globex-pay",
     "We integrated the Globex Pay API last quarter; webhooks are solid, docs are thin.", "en"),
    ("bluesky", "noor.bsky.social", "Noor Haddad", 97, "globex",
     "Globex Bank froze my card while I'm abroad and the fraud line has a 90 minute wait. "
     "Really disappointed.", "en"),
    ("mastodon", "@amelie@social.example", "Amélie Laurent", 104, "orbit",
     "Orbit's new series is wonderful, binged the whole season on the app this weekend.", "en"),
    ("reddit", "quietbudgeter", "quietbudgeter", 12, "globex",
     "Globex savings rate went up again. Anyone comparing it with the online-only banks?", "en"),
]

BOT_TEMPLATES = [
    "🔥 FREE Acme Air miles!!! Claim 50,000 now 👉 acmeair-miles.example/free 🔥",
    "🔥 Free Acme Air miles! Claim 50,000 now 👉 acmeair-miles.example/free",
    "FREE Acme Air miles 🔥 claim 50000 now → acmeair-miles.example/free",
    "🔥🔥 FREE Acme Air miles!!! Claim 50,000 today 👉 acmeair-miles.example/free 🔥🔥",
]


FOREIGN_NAMES = {"es": {"acme-air-app": "la app de Acme Air"},
                 "de": {"acme-air-app": "die Acme Air App"}}


def _fill(rng, template, ent, lang="en"):
    co = FOREIGN_NAMES.get(lang, {}).get(ent) or rng.choice(NAMES[ent])
    if lang != "en":
        co = co.replace("the ", "").replace(" app", "") if ent != "acme-air-app" else co
    if template.startswith("{co}"):
        co = co[0].upper() + co[1:]
    return template.format(co=co, x=rng.choice(THINGS[ent]), city=rng.choice(CITIES))


def social(rng, ent, mood, source, lang, burst):
    """A post's text, tags and mentions for mastodon, bluesky, reddit or hackernews."""
    tags, mentions = [], []
    if lang != "en":
        moods = FOREIGN[lang]
        text = _fill(rng, rng.choice(moods.get(mood, moods["neg"])), ent, lang)
        if ent == "orbit":
            text += FOREIGN_ORBIT[lang]
    elif source == "hackernews":
        text = _fill(rng, rng.choice(HN), "acme-air" if ent == "acme-air-app" else ent)
    else:
        pool = INDUSTRY[GROUP[ent]][mood] if rng.random() < 0.4 else SOCIAL[mood]
        text = _fill(rng, rng.choice(APP[mood] if ent == "acme-air-app" else pool), ent)
        if ent == "orbit" and not any(w in text.lower() for w in ORBIT_CONTEXT):
            text += rng.choice(ORBIT_TAIL)
    if source == "reddit":
        text = rng.choice(REDDIT_INTRO) + text + rng.choice(REDDIT_OUTRO)
    elif source == "hackernews":
        prefix = rng.choice(HN_PREFIX)
        text = prefix + (text[0].lower() + text[1:] if prefix and text.startswith("The ") else text)
    else:
        if rng.random() < 0.35:
            tags = TAGS[ent][: rng.randint(1, 2)]
            text += " " + " ".join("#" + t for t in tags)
        if rng.random() < 0.25 and mood in ("neg", "q"):
            mentions = [HANDLE[ent]]
            text = HANDLE[ent] + " " + text
    return text.strip(), tags, mentions


def headline(rng, ent, mood):
    co = NAMES[ent][0].replace("the ", "").strip()
    co = co[0].upper() + co[1:]
    return rng.choice(HEADLINES[mood]).format(Co=co, x=rng.choice(THINGS[ent]),
                                              city=rng.choice(CITIES))


def outage_texts(rng, n):
    out = [(t, "en") for t in OUTAGE] + OUTAGE_FOREIGN
    rng.shuffle(out)
    return out[:n]


def bot_texts(rng, n):
    return [rng.choice(BOT_TEMPLATES) for _ in range(n)]


def bot_name(rng):
    return rng.choice(["miles", "travel", "deals", "freeflights", "promo"]) + \
        rng.choice(["_", ""]) + str(rng.randrange(1000, 99999))


def reddit_name(rng):
    return rng.choice(["Throwaway", "Frequent", "Weary", "Budget", "Midnight", "Casual"]) + \
        rng.choice(["Flyer", "Saver", "Traveler", "Watcher", "Nomad"]) + str(rng.randrange(1, 999))


def hn_name(rng):
    return rng.choice(["kqr", "tptacek_fan", "zdw", "throwaway_", "dang_it", "bitflip", "nullptr"]) + \
        str(rng.randrange(1, 99))
