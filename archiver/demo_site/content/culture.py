"""Culture stories of The Harbour Gazette (fiction written for the demo site)."""

from __future__ import annotations

from archiver.demo_site.content import Comment as C
from archiver.demo_site.content import DeadLink, Story

STORIES = (
    Story(
        section="culture",
        slug="lantern-theatre-panto",
        published="2026-11-25T18:00:00+00:00",
        modified="2026-11-26T09:30:00+00:00",
        title="Lantern Theatre's winter panto puts a pirate on the council",
        description="This year's pantomime, Captain Kidd and the Harbour Hoard, pokes fun at "
        "parking charges, potholes and the ferry timetable.",
        authors=("Grace Olawale",),
        role="Culture Editor",
        tags=("theatre", "pantomime", "Lantern Theatre"),
        jsonld="plain",
        image="stage.png",
        body=(
            "The Lantern Theatre's winter pantomime opens next week with a pirate elected to "
            "Port Hallow Town Council, a dame who runs the fish market, and more jokes about the "
            "ferry timetable than anyone could reasonably need.",
            "The show follows a hapless pirate who washes up on the Strand, stands for the "
            "council by mistake and finds himself in charge of the town's car parks, with "
            "predictable results for anyone hoping to park anywhere.",
            "*Captain Kidd and the Harbour Hoard* is written by the theatre's artistic director, "
            "Felix Ambrose, who has written the Lantern's pantomime for eleven years and says "
            "local politics has never given him so much material.",
            "## Local faces on stage",
            "As always, the cast mixes professional actors with local performers. The dame, "
            "Mother Mackerel, is played by Barney Trewin, a crab fisherman who has taken the "
            "role in every Lantern panto since 2014, and the chorus is drawn from the town's two "
            "primary schools.",
            "“People come to see the jokes about the bus timetable and the potholes on Chapel "
            "Hill,” said Mr Ambrose. “But they also come to see their neighbour in a frock, and "
            "I wouldn't take that away from them for anything.”",
            "Rehearsals have been taking place in the theatre's scenery store since October "
            "while the main stage was fitted with new lighting, paid for by an appeal that "
            "raised £38,000 last winter.",
            "## Tickets going fast",
            "The pantomime runs from 4 December to 3 January, with 34 performances including a "
            "relaxed performance for children and adults with autism or sensory needs, and a "
            "signed performance on 19 December.",
            "The theatre says more than 70 per cent of tickets have already been sold. Tickets "
            "are available from the box office on Chapel Lane, which is open from 10am to 4pm "
            "every day except Sunday.",
            "*Updated 26 November: the dates of the relaxed and signed performances have been "
            "added.*",
        ),
        comments=(
            C(
                "Panto regular",
                "Barney as the dame is the highlight of my year. Twelve years and "
                "he still hasn't learned his lines.",
            ),
            C(
                "Parent of a chorus kid",
                "Our daughter hasn't stopped singing the mackerel song for three weeks. Send help.",
            ),
            C(
                "Councillor-watcher",
                "A pirate running the car parks couldn't do worse than the current lot.",
            ),
        ),
    ),
    Story(
        section="culture",
        slug="tidewater-mill-fishing-photographs",
        published="2026-11-23T12:00:00+00:00",
        title="Tidewater Mill show gathers a century of fishing photographs",
        description="Pictures from family albums, the harbour office and the Gazette's own "
        "archive show how the working harbour has changed since 1910.",
        authors=("Marta Kowalczyk",),
        tags=("photography", "exhibitions", "fishing", "Tidewater Mill"),
        body=(
            "A new exhibition at the Tidewater Mill arts centre brings together more than 200 "
            "photographs of Port Hallow's fishing fleet, from glass plate negatives taken before "
            "the First World War to pictures shot on phones last winter.",
            "Many of the images have never been shown in public before, having spent decades in "
            "shoeboxes and family albums until they were lent to the exhibition after an appeal "
            "in the Gazette last spring.",
            "The exhibition's curator, Ruth Kempthorne, said the response had taken her by "
            "surprise. “We expected a few dozen pictures and got more than a thousand,” she "
            "said. “People brought them in carrier bags, biscuit tins and, in one case, a fish "
            "box.”",
            "## From sail to steel",
            "The photographs are arranged by decade, tracing the harbour's change from a fleet "
            "of sailing luggers and pilchard boats to the steel trawlers and fast crab boats of "
            "today. Among the earliest is a view of the inner harbour in 1910, so crowded with "
            "boats that only a handful of patches of water can be seen between the hulls.",
            "Other pictures record the harbour's hardest days: the women of Quay Street waiting "
            "on the Old Mole during the storm of 1953, and the funeral of the crew of the *Girl "
            "Morwenna*, lost off Skerra in 1967.",
            "A section given over to the fish market shows its bustle at dawn in the 1970s, when "
            "buyers came from across the country and the auction was run in a language of hand "
            "signals that only the regulars understood.",
            "## Voices too",
            "Alongside the images, visitors can listen to recordings of retired fishermen and "
            "fish market workers describing the pictures and the people in them. The recordings "
            "were made by students from Port Hallow Academy as part of an oral history project.",
            "The exhibition runs until 28 February. Entry is free, and the Tidewater Mill is "
            "open from Wednesday to Sunday, 10am to 5pm.",
        ),
        comments=(
            C(
                "Granddaughter of a lugger man",
                "My grandad is in the 1930s room, mending nets on "
                "the quay. I cried when I saw him.",
            ),
            C("Photo buff", "The glass plates alone are worth the visit. Beautifully printed."),
        ),
    ),
    Story(
        section="culture",
        slug="harbour-singers-album",
        published="2026-11-20T10:00:00+00:00",
        title="Harbour Singers record their first album in St Brannoc's church",
        description="The 40-strong community choir spent three nights recording sea songs and "
        "hymns in the church's famously generous acoustic.",
        authors=("Marta Kowalczyk",),
        tags=("music", "choirs", "St Brannoc's"),
        jsonld="list",
        layout="story-body",
        image="stage.png",
        body=(
            "The Harbour Singers, Port Hallow's community choir, have recorded their first "
            "album, singing sea songs, hymns and a handful of new pieces in the nave of "
            "St Brannoc's church over three November nights.",
            "The choir's 40 members, who range in age from 17 to 88, set up in front of the "
            "altar after the church had closed for the evening, with microphones hung from the "
            "rood screen and a recording engineer working from a laptop in the vestry.",
            "The church's long stone nave gives voices an echo of almost four seconds, which the "
            "choir's director, Alys Bray, described as both a gift and a challenge. “It makes "
            "twelve basses sound like thirty,” she said. “But if anyone turns a page too loudly, "
            "you hear it for the rest of the song.”",
            "## Songs from the harbour",
            "The album includes traditional songs once sung by pilchard fishermen, two hymns "
            "linked to the town's lifeboat services, and three new pieces written by local "
            "composers, among them a setting of a poem about the Old Mole by a pupil at Port "
            "Hallow Academy.",
            "Recording had to stop several times for passing traffic, a barking dog and, on the "
            "second night, a heavy shower that drummed on the church roof. One of those takes, "
            "rain and all, made it onto the finished album.",
            "The project was paid for by the choir's members and by a crowdfunding appeal that "
            "raised £6,200 in three weeks, with donations from former members now living as far "
            "away as Canada and New Zealand.",
            "## Launch concert",
            "The album, *Between the Tides*, will be launched with a concert in St Brannoc's on "
            "12 December, and copies will be sold at Quayside Market and the Tidewater Mill. "
            "Profits will go to the lifeboat station and the church's roof appeal.",
            "The choir rehearses on Tuesday evenings at the church hall and welcomes new "
            "members. No audition is needed, and nobody needs to read music.",
        ),
        comments=(
            C(
                "Alto in the back row",
                "Those three nights were freezing but magical. Wait until you hear the rain track.",
            ),
            C(
                "Ex-member in Canada",
                "So proud to have chipped in from across the ocean. Can't wait to hear it.",
            ),
            C("Bass no. 7", "For the record, I did not turn the page loudly. It was the tenors."),
            C("Music lover", "Is there going to be a download or is it CDs only?"),
        ),
    ),
    Story(
        section="culture",
        slug="lighthouse-storytelling-festival",
        published="2026-11-14T08:45:00+00:00",
        title="Storytelling festival brings tales of the sea to the lighthouse",
        description="Storytellers from Ireland, Brittany and Norway will join local tellers for "
        "a weekend of sea stories at Hallow Point.",
        authors=("Grace Olawale",),
        role="Culture Editor",
        tags=("festivals", "storytelling", "Hallow Point"),
        meta=False,
        date_style="us",
        body=(
            "Tales of drowned villages, mermaid brides and ghost ships will fill the old "
            "keepers' cottages at Hallow Point next weekend, when the town's first storytelling "
            "festival takes over the lighthouse for two days.",
            "The festival, called Tales from the Point, has been organised by a group of local "
            "storytellers who have spent the last three years telling stories in pubs, schools "
            "and village halls along the coast.",
            "They have invited guest tellers from Ireland, Brittany and Norway, all places with "
            "their own long traditions of stories about the sea, to perform alongside them in "
            "the lighthouse's former storerooms and the keepers' cottages, which are now a "
            "heritage centre.",
            "## Stories for all ages",
            "Daytime sessions will be aimed at families, with shorter stories, songs and a trail "
            "around the headland. The evening programme, recommended for adults, includes a "
            "midnight session of ghost stories in the lamp room, limited to twenty listeners "
            "because of the narrow spiral stair.",
            "“Every harbour town has its stories, and most of them are only ever told in the "
            "kitchen,” said festival director Demelza Hosking. “We want to bring them out into "
            "the open, and to hear how other coastal places tell theirs.”",
            "The festival will also launch a collection of Port Hallow stories gathered from "
            "older residents, including the tale of the mermaid of Gull Rock and the story of "
            "the lighthouse keeper who kept the lamp lit for three nights with a broken leg.",
            "## Getting there",
            "Parking at Hallow Point is very limited, and organisers are asking visitors to walk "
            "the coast path from the harbour, which takes about 25 minutes, or to use a free "
            "shuttle minibus from the Strand car park.",
            "Tickets for single sessions cost £5, with a weekend pass at £25. Children under "
            "twelve go free, and the family sessions on Saturday morning are free for everyone.",
        ),
        comments=(
            C(
                "Ghost story fan",
                "Midnight in the lamp room! Booked before I finished reading the article.",
            ),
            C(
                "Coast path walker",
                "The path from the harbour is lovely but very muddy this time "
                "of year. Bring boots.",
            ),
        ),
    ),
    Story(
        section="culture",
        slug="review-tempest-lantern-theatre",
        published="2026-11-09T21:30:00+00:00",
        title="Review: a spare, salty Tempest at the Lantern",
        description="A touring company strips Shakespeare's island play back to six actors, a "
        "rope and a storm you can almost smell.",
        authors=("Grace Olawale",),
        role="Culture Editor",
        tags=("theatre", "reviews", "Lantern Theatre", "Shakespeare"),
        date_style="weekday",
        image="stage.png",
        body=(
            "It takes a certain nerve to stage *The Tempest* in a harbour town in November, when "
            "half the audience has spent the day watching real weather roll in off the bay. The "
            "touring company Saltwater Players clearly have that nerve, and their spare, salty "
            "production at the Lantern Theatre mostly rewards it.",
            "Six actors play all the parts, switching roles with a change of coat, and the set "
            "is little more than a wooden platform, a coil of rope and a single hanging lantern "
            "that swings harder as the storm in the opening scene builds.",
            "That storm is the production's calling card. The actors create it almost entirely "
            "with their bodies and voices, hauling on invisible ropes and shouting orders over a "
            "roar made by the cast blowing across the necks of glass bottles. It sounds absurd "
            "on paper; in the dark, it is thrilling.",
            "## A gentle Prospero",
            "Ama Mensah's Prospero is no thundering magician but a tired, watchful exile who "
            "seems as much a prisoner of the island as the spirits she commands. Her final "
            "speech, delivered almost in a whisper as the house lights slowly rise, held the "
            "audience in complete silence.",
            "Not everything works. The comic scenes between the drunken sailors drag in the "
            "second half, and a decision to play Caliban largely for laughs sits awkwardly with "
            "the production's otherwise serious treatment of power and freedom.",
            "Those are small complaints about an evening of real imagination. Where some touring "
            "productions feel as if they were designed for a bigger stage and squeezed onto "
            "ours, this one feels made for a small theatre by the sea.",
            "## Music from the bottles",
            "The score, played live by two of the actors on fiddle and concertina, borrows "
            "freely from sea songs that many in the audience will know from the Anchor Inn's "
            "folk nights. Ariel's songs are sung unaccompanied from the back of the auditorium, "
            "so that the voice seems to come from everywhere at once, a simple trick that never "
            "stops being eerie.",
            "The lighting is just as resourceful. For the masque in the fourth act the company "
            "lowers a net strung with small lamps over the stage, and for a few minutes the "
            "Lantern's cramped stage becomes a night sky. It drew a gasp from the children in "
            "the front row, and from at least one reviewer.",
            "Daniel Osei is a fine Ferdinand, earnest and slightly ridiculous as young lovers "
            "should be, and Maya Lindqvist's Miranda has a sharp wit that makes her more than "
            "the dutiful daughter she is often played as. The doubling means that some actors "
            "appear in three roles in a single scene, and the company makes a joke of it without "
            "ever losing the thread.",
            "## Verdict",
            "Four stars. A stripped-back, inventive Tempest with a storm worth the ticket price "
            "on its own and a quietly devastating ending.",
            "*The Tempest* runs at the Lantern Theatre until Saturday. Tickets are available "
            "from the box office on Chapel Lane.",
        ),
        comments=(
            C(
                "Front row Friday",
                "The bottle storm was incredible. My son has been trying it "
                "with milk bottles ever since.",
            ),
            C(
                "Bardolator",
                "Three stars at most, in my view. Caliban was played as a pantomime villain.",
            ),
            C("Lantern volunteer", "Thank you for a lovely review. The cast were thrilled."),
        ),
    ),
    Story(
        section="culture",
        slug="quay-street-poetry-windows",
        published="2026-11-06T11:00:00+00:00",
        title="Young poets take over the Quay Street shop windows",
        description="Poems by teenagers from Port Hallow Academy are on display in shop windows "
        "along Quay Street for the rest of the month.",
        authors=("Kit Morrow",),
        tags=("poetry", "books", "young people"),
        jsonld="plain",
        meta=False,
        body=(
            "Walk along Quay Street this month and you will find poems where you would expect to "
            "see books, boots and bread. Twenty-two shop windows are showing work by teenage "
            "writers from Port Hallow Academy, in a project organised by the Chart & Compass "
            "bookshop.",
            "The poems were written during a series of workshops led by the poet Esther Carne, "
            "who grew up in the town and came back last year after two decades in Manchester.",
            "Students were asked to write about a place in Port Hallow that matters to them. The "
            "results range from a sonnet about the bus shelter at the top of Chapel Hill to a "
            "long, angry poem about the closure of the youth club and a short, funny one about "
            "the seagulls that steal chips on the Strand.",
            "## Words on glass",
            "Each poem has been printed in large type on a sheet of clear film and fixed to the "
            "inside of a shop window, so that it can be read from the street during the day and "
            "is lit from inside after dark.",
            "“Poetry usually lives on a shelf, or in a classroom,” said Chart & Compass owner "
            "Nadia Vosper. “This puts it where people actually are, in the butcher's window "
            "while they wait for a bus.”",
            "For many of the students it is the first time their writing has been seen by "
            "anyone outside school. Sixteen-year-old Kerenza Pawley, whose poem about her "
            "grandmother's kitchen is in the window of the hardware shop, said she had walked "
            "past it three times before she could bring herself to read it in public.",
            "## Trail map",
            "A free trail map showing where every poem can be found is available from the "
            "bookshop and the Tidewater Mill. The windows will stay up until 30 November, and "
            "the poems will then be published together in a small book, with the money raised "
            "going to the school's library.",
        ),
        comments=(
            C(
                "Proud grandmother",
                "The poem in the hardware shop window made me cry in front of the paint tins.",
            ),
            C(
                "Quay Street regular",
                "The seagull poem is spot on. Lost a pasty to one of those thugs last week.",
            ),
        ),
    ),
    Story(
        section="culture",
        slug="lindenstade-partnerschaft-30-jahre",
        published="2026-11-03T09:30:00+01:00",
        title="Lindenstade feiert 30 Jahre Partnerschaft mit Port Hallow",
        description="Mit Blasmusik, Fischbrötchen und einer Ausstellung erinnert die "
        "Partnerstadt an drei Jahrzehnte Freundschaft über die Nordsee hinweg.",
        authors=("Lena Vogt",),
        role="Korrespondentin",
        tags=("Städtepartnerschaft", "Lindenstade", "Kultur"),
        language="de",
        jsonld="plain",
        date_style="de",
        body=(
            "Mit einem Festwochenende hat Lindenstade am Samstag und Sonntag das dreißigjährige "
            "Bestehen seiner Städtepartnerschaft mit Port Hallow gefeiert. Rund 60 Gäste aus "
            "der englischen Hafenstadt waren mit Bus und Fähre angereist, viele von ihnen nicht "
            "zum ersten Mal.",
            "Bürgermeisterin Karin Albers erinnerte beim Empfang im historischen Rathaus an die "
            "Anfänge der Partnerschaft im Jahr 1996, als eine Gruppe von Schülerinnen und "
            "Schülern des Lindenstädter Gymnasiums zum ersten Mal nach Port Hallow reiste.",
            "Aus dem Austausch sei eine Freundschaft geworden, die längst weit über die Schulen "
            "hinausreiche, sagte Albers. Vereine, Chöre, Feuerwehren und Handwerksbetriebe "
            "pflegten heute enge Kontakte auf beiden Seiten der Nordsee.",
            "## Musik, Fisch und Erinnerungen",
            "Auf dem Marktplatz spielte die Stadtkapelle gemeinsam mit den Harbour Singers aus "
            "Port Hallow, die eigens ein Lied auf Deutsch einstudiert hatten. An einem Stand "
            "verkauften die Gäste aus England Fischbrötchen nach einem Rezept aus ihrer "
            "Heimatstadt, das allerdings, wie mehrere Besucher anmerkten, dem norddeutschen "
            "Original verdächtig ähnlich war.",
            "Im Foyer des Rathauses ist bis Ende November eine Ausstellung mit Fotos, Briefen "
            "und Erinnerungsstücken aus drei Jahrzehnten zu sehen. Zu den Höhepunkten gehört ein "
            "handgeschriebenes Gästebuch des ersten Besuchs, in dem sich die damaligen "
            "Schülerinnen und Schüler verewigt haben. Einige von ihnen waren am Wochenende "
            "wieder dabei, inzwischen mit den eigenen Kindern.",
            "## Neue Pläne für junge Leute",
            "Beide Städte wollen die Partnerschaft künftig stärker für junge Menschen öffnen. "
            "Geplant sind unter anderem Praktika in Betrieben der jeweils anderen Stadt und ein "
            "gemeinsames Jugendorchester, das im kommenden Sommer erstmals in Port Hallow "
            "auftreten soll.",
            "Die Vorsitzende des Partnerschaftsvereins, Heike Brandt, zeigte sich zufrieden mit "
            "dem Wochenende. „Nach dreißig Jahren ist das keine Pflichtveranstaltung mehr, "
            "sondern ein Familientreffen“, sagte sie. Schwierig sei allein die Anreise: Seit die "
            "direkte Fährverbindung eingestellt wurde, dauere die Fahrt fast einen ganzen Tag.",
            "Der Gegenbesuch einer Delegation aus Lindenstade in Port Hallow ist für Mai "
            "geplant. Wer Gäste aufnehmen möchte, kann sich beim Partnerschaftsverein im "
            "Rathaus melden.",
        ),
        comments=(
            C(
                "Hannelore K.",
                "Ich war 1996 beim ersten Austausch dabei und bin bis heute mit "
                "meiner Gastfamilie befreundet.",
            ),
            C(
                "Tom aus Port Hallow",
                "What a weekend that was. Thank you Lindenstade for the "
                "welcome, and sorry about our singing.",
            ),
        ),
    ),
    Story(
        section="culture",
        slug="harbour-ledgers-digitised",
        published="2026-10-27T14:15:00+00:00",
        modified="2026-10-28T10:00:00+00:00",
        title="Town archive digitises 200 years of harbour ledgers",
        description="Volunteers have photographed more than 40,000 pages recording every ship, "
        "cargo and harbour due from 1790 to 1990.",
        authors=("Marta Kowalczyk", "Sam Achterberg"),
        tags=("history", "archives", "harbour"),
        body=(
            "Two centuries of Port Hallow's harbour records are now available online after "
            "volunteers spent three years photographing the ledgers kept by the harbour master's "
            "office from 1790 until the office switched to computers in 1990.",
            "The 112 leather-bound volumes record every vessel that entered or left the harbour, "
            "its master, its cargo and the dues it paid, together with notes on wrecks, storms, "
            "disputes and the occasional smuggling case.",
            "They had been stored in the basement of the old harbour office, where damp had "
            "begun to damage some of the earliest "
            "volumes. The town archive, based at the Tidewater Mill, took them into its care in "
            "2022 and recruited a team of volunteers to photograph them page by page.",
            "## Forty thousand pages",
            "In all, the team photographed more than 40,000 pages. A second group of volunteers, "
            "many of them working from home, has since been transcribing the entries so that "
            "they can be searched by ship's name, cargo or date.",
            "“You can follow a single schooner for thirty years through these books,” said the "
            "town archivist, Hedra Lugg. “You see her bringing coal from Wales, taking china "
            "clay to Antwerp, being repaired after a storm, changing owners, and finally being "
            "broken up on the beach.”",
            "The ledgers also show the rise and fall of the town's trades: the pilchard exports "
            "of the early 1800s, the boom in granite shipments later in the century, and the "
            "steady decline of commercial shipping after the Second World War.",
            "## Families searching for ancestors",
            "The archive expects the records to be used by family historians, many of whom have "
            "ancestors who sailed from or worked in the harbour. Within a week of the launch, "
            "the archive had received enquiries from Australia, Chile and Norway.",
            "The digitised ledgers can be viewed free of charge on the archive's website. The "
            "original volumes will be cleaned and stored in the archive's climate-controlled "
            "strongroom.",
            "*Updated 28 October to correct the number of volumes, which is 112, not 120.*",
        ),
        comments=(
            C(
                "Family historian",
                "Found my great-great-grandfather's ketch on the first evening. "
                "Thank you, volunteers.",
            ),
            C(
                "Transcription volunteer",
                "The handwriting in the 1840s books is a nightmare, but we are getting there.",
            ),
            C("Smuggling enthusiast", "Please tell me the smuggling cases are searchable."),
        ),
    ),
    Story(
        section="culture",
        slug="anchor-inn-folk-club-50",
        published="2026-10-24T19:00:00+01:00",
        title="Folk club marks 50 years at the Anchor Inn",
        description="Since 1976 the Anchor Folk Club has met every Thursday in the pub's back "
        "room, surviving three landlords and one flood.",
        authors=("Kit Morrow",),
        tags=("music", "folk", "pubs"),
        meta=False,
        date_style="plain",
        body=(
            "The Anchor Folk Club celebrates its fiftieth birthday this weekend, half a century "
            "after a group of fishermen, teachers and students first gathered in the back room "
            "of the Anchor Inn to swap songs on a Thursday night.",
            "The club has met almost every week since, missing only a handful of nights for "
            "floods, power cuts and the pandemic, when members kept singing over video calls "
            "from their kitchens.",
            "Its founder, retired teacher Morley Vage, now 79, still comes most weeks. “We "
            "started it because there was nowhere to sing the old songs except at funerals,” he "
            "said. “Fifty years later, the back room is still full, and half the people in it "
            "weren't born when we started.”",
            "## Three landlords and a flood",
            "The club has outlasted three landlords and one serious flood, in 1989, when the sea "
            "came over the Strand and filled the back room to the height of the bar. Members "
            "helped dry out the pub and held the next session in the skittle alley while repairs "
            "were made.",
            "Over the years the back room has hosted some of the best-known names on the folk "
            "circuit, who would often play for little more than their travel costs and a bed for "
            "the night. But the heart of the club has always been its singers' nights, when "
            "anyone can stand up and sing.",
            "The current landlady, Rachel Moyle, said she could not imagine the pub without it. "
            "“Thursday is the busiest night of the week in winter,” she said. “And it's the only "
            "night I hear sea shanties sung properly.”",
            "## Anniversary weekend",
            "The anniversary will be marked with a weekend of concerts and sessions, starting "
            "with a singers' night on Friday and ending with a ceilidh in the church hall on "
            "Sunday afternoon. A book of songs collected by the club's members over fifty years "
            "will be launched on Saturday.",
            "All events are free, although the club is asking for donations towards a new sound "
            "system.",
        ),
        comments=(
            C(
                "Thursday regular",
                "I met my wife in that back room in 1983. Still singing, still married.",
            ),
            C(
                "Younger member",
                "Best night of the week by far. Nobody cares if you can sing, only that you do.",
            ),
        ),
    ),
)

DEAD_LINKS: tuple[DeadLink, ...] = ()
