"""Business stories of The Harbour Gazette (fiction written for the demo site)."""

from __future__ import annotations

from archiver.demo_site.content import Comment as C
from archiver.demo_site.content import DeadLink, Story

STORIES = (
    Story(
        section="business",
        slug="tidewater-brewing-expansion",
        published="2026-11-26T06:30:00+00:00",
        modified="2026-11-26T11:15:00+00:00",
        title="Tidewater Brewing doubles capacity with new quayside tanks",
        description="The brewery behind Harbour Light ale is investing £650,000 in the old ice "
        "house and will create eight jobs by the summer.",
        authors=("Owen Tregarth",),
        role="Business Editor",
        tags=("brewing", "jobs", "harbour"),
        jsonld="plain",
        image="market.png",
        body=(
            "Tidewater Brewing Co. is to double the size of its brewery on the west quay after "
            "agreeing a lease on the neighbouring ice house, a listed stone building that has "
            "stood empty since the fish market moved in 2009.",
            "The company, which began brewing in a garage on Chapel Hill in 2015 and now "
            "supplies more than 140 pubs across the region, will install six new fermentation "
            "tanks and a canning line in the building as part of a £650,000 investment.",
            "Its managing director, Cat Rowse, said the brewery had turned away orders for two "
            "summers running because it could not make enough beer. “We've been running flat "
            "out since Easter,” she said. “Our best-selling ale, Harbour Light, sold out three "
            "times in August.”",
            "## Eight new jobs",
            "The expansion will create eight full-time jobs, taking the workforce to 22, and the "
            "company has promised to recruit locally. Two of the roles will be apprenticeships "
            "run with the county college.",
            "Work on the ice house will include repairing its roof and restoring the original "
            "timber doors that open onto the quay, which are protected under the building's "
            "listing. The brewery plans to open a small tap room in the front of the building, "
            "with windows looking across the harbour.",
            "## Water and waste",
            "Brewing uses large volumes of water, and the company has agreed with the water "
            "company to install a system that will recycle the water used for cleaning the "
            "tanks, cutting its mains water use by about a third. Spent grain will continue to "
            "go to two farms above the town as cattle feed.",
            "The harbour commissioners, who own the ice house, said the lease would bring a "
            "landmark building back into use and provide a steady income for the harbour. The "
            "lease runs for 25 years.",
            "Work is due to start in January, and the company hopes to brew its first batch in "
            "the new building by June.",
            "*Updated 26 November: the investment figure has been corrected from £560,000 to "
            "£650,000.*",
        ),
        comments=(
            C(
                "Harbour Light fan",
                "Best news I've read all year. Now brew enough for the regatta weekend please.",
            ),
            C(
                "Jack Pascoe",
                "Good to see that ice house used for something at last. It's been "
                "falling down for fifteen years.",
            ),
            C(
                "quay_resident",
                "Hope the tap room doesn't mean music on the quay until midnight every night.",
            ),
        ),
    ),
    Story(
        section="business",
        slug="quayside-market-rents",
        published="2026-11-24T09:45:00+00:00",
        title="Quayside Market stallholders face steep rise in rents",
        description="Pitch fees at the covered market will rise by up to 40 per cent in April, "
        "and traders say some stalls will not survive.",
        authors=("Owen Tregarth", "Dan Ashby"),
        tags=("markets", "rents", "harbour"),
        jsonld="list",
        image="market.png",
        listing_query="ref=section-front",
        body=(
            "Traders at Quayside Market say some of them will be forced out after the harbour "
            "commissioners announced increases of up to 40 per cent in the fees charged for "
            "stalls in the covered market hall.",
            "The new charges, which take effect in April, will see the rent for a standard pitch "
            "rise from £85 to £119 a week, with larger corner pitches facing the steepest "
            "increases.",
            "The commissioners say the increases are needed to pay for repairs to the hall's "
            "leaking roof and a new drainage system, and that the market's fees have been frozen "
            "for six years while costs have risen sharply.",
            "## “We are the reason people come”",
            "Stallholders say the rise comes at the worst possible time, after a year in which "
            "visitor spending fell in the spring and energy costs stayed high. Several have "
            "started a petition asking the commissioners to phase in the increase over three "
            "years.",
            "“The market is the reason people come down to this end of the harbour,” said Jenna "
            "Opie, who has sold cheese and chutneys from the same pitch for eleven years. “If "
            "the small stalls go, you'll have an empty shed with a new roof.”",
            "Of the market's 28 stalls, six are currently empty, the highest number since the "
            "hall reopened after refurbishment in 2013.",
            "Other market towns on the coast have faced the same problem. In the county town, "
            "where rents at the indoor market rose sharply five years ago, a third of the stalls "
            "are now empty and the council is considering turning part of the hall into a food "
            "court. Traders in Port Hallow say they fear the same thing could happen here.",
            "Customers, too, have been asking questions. Several regulars said they came to the "
            "market because they could buy fish, vegetables and bread from the people who "
            "caught, grew or baked them, and that they would not get the same from a row of "
            "cafés. “I come on a Saturday for the conversation as much as the cheese,” said one "
            "shopper, a retired teacher from Chapel Hill.",
            "## Commissioners promise review",
            "The chairman of the commissioners' property committee, Gerent Polkinghorne, said "
            "the board understood traders' concerns and would look at whether the increase could "
            "be phased for the smallest stalls. “Nobody wants empty pitches,” he said. “But the "
            "roof has to be fixed, and the market has to pay its way.”",
            "A meeting between traders and the commissioners has been arranged for 3 December. "
            "The traders' petition had more than 900 signatures by Monday evening, many of them "
            "from regular customers who say the market is the main reason they shop in town "
            "rather than at the supermarket.",
        ),
        comments=(
            C(
                "Saturday shopper",
                "I buy my veg and fish there every week. Forty per cent is outrageous.",
            ),
            C(
                "stallholder_anon",
                "Some of us already work six days for less than the minimum "
                "wage. This will finish us.",
            ),
            C("Realist", "The roof has leaked for years. Someone has to pay for it."),
            C("C. Nance", "Phase it in over three years and everyone keeps their stall. Simple."),
        ),
    ),
    Story(
        section="business",
        slug="kittiwake-winter-sailings",
        published="2026-11-22T14:00:00+00:00",
        title="Kittiwake Ferries adds winter sailings to Skerra Island",
        description="The island ferry will run twice a day through the winter for the first "
        "time, helped by a new contract to carry the island's school pupils.",
        authors=("Dan Ashby",),
        tags=("ferries", "Skerra Island", "tourism"),
        meta=False,
        date_style="short",
        body=(
            "Kittiwake Ferries will run two return sailings a day between Port Hallow and Skerra "
            "Island throughout the winter, the first time the island has had a twice-daily "
            "service all year round.",
            "Until now the ferry has dropped to a single daily crossing from November to March, "
            "leaving islanders who work or study on the mainland with long days and little "
            "flexibility.",
            "The change has been made possible by a three-year contract with the county council "
            "to carry Skerra's secondary school pupils to and from Port Hallow Academy, which "
            "the ferry company won in a tender this autumn.",
            "## Islanders welcome change",
            "About 140 people live on Skerra all year round. Lowenna Jago, who chairs the "
            "island's community council, said the extra sailing would make it easier for younger "
            "families to stay. “People leave the island because getting to work, the doctor or "
            "the school becomes a full-time job in itself,” she said. “This helps.”",
            "The morning sailing will leave Skerra at 7.30am and the afternoon sailing at "
            "4.15pm, with return crossings from Port Hallow at 8.20am and 5.30pm. Fares will not "
            "change.",
            "The company's operations director, Ross Keast, said it was still looking at whether "
            "the second sailing would pay its way once the school contract ended, and would "
            "consult islanders on the timetable in the spring.",
            "## Older vessel returns",
            "To run the extra sailings, the company will bring its older vessel, the Fulmar, "
            "back into service over the winter after a refit at Brannoc Boatyard. The Fulmar "
            "carries 60 passengers and six vehicles, compared with the larger Kittiwake's 120 "
            "passengers and twelve vehicles.",
            "Crossings can still be cancelled in bad weather. The company posts any "
            "cancellations on its website and sends a text message to registered islanders by "
            "6am each day.",
        ),
        comments=(
            C(
                "Skerra resident",
                "Finally, after twenty years of one boat a day in winter. And "
                "it took a school contract to change it.",
            ),
            C("M. Jago", "Hope the Fulmar is better on a rough crossing than it used to be!"),
        ),
    ),
    Story(
        section="business",
        slug="brannoc-boatyard-pilot-boats",
        published="2026-11-18T08:00:00+00:00",
        title="Brannoc Boatyard wins contract to build two pilot boats",
        description="The family-run yard beat builders from across Europe to a £3.2m order "
        "that will keep its workforce busy until 2028.",
        authors=("Owen Tregarth",),
        role="Business Editor",
        tags=("boatbuilding", "jobs", "harbour"),
        jsonld="plain",
        layout="story-body",
        body=(
            "Brannoc Boatyard has won a £3.2 million contract to build two pilot boats for a "
            "port authority on the east coast, the largest order in the yard's 70-year history.",
            "The boats, each 17 metres long, will carry marine pilots out to the large ships "
            "entering the port and must be able to work in heavy seas around the clock.",
            "The family-run yard on the east bank of the river beat competition from builders "
            "in the Netherlands, France and Poland to win the order. Construction of the first "
            "hull will begin in February, with both boats due for delivery in 2028.",
            "## A yard rebuilt",
            "It is a remarkable turnaround for a yard that came close to closing a decade ago, "
            "when orders for wooden fishing boats dried up. The business, now run by the third "
            "generation of the Brannoc family, retrained its workforce to build in aluminium and "
            "composite and has since built lifeboats, survey vessels and workboats for wind "
            "farms.",
            "“My grandfather built crabbers out of larch and oak,” said managing director Tamsin "
            "Brannoc. “These boats will be built in aluminium by the same families who worked "
            "for him. That's what makes this yard what it is.”",
            "The contract will secure the jobs of the yard's 34 staff, and the company expects "
            "to recruit six more, including two welders and two apprentices.",
            "## Space on the riverbank",
            "To build two boats at once, the yard will need a second building shed. The company "
            "has applied for permission to put up a temporary structure on land it leases next "
            "to the slipway, and says it will be removed when the contract is complete.",
            "The county's economic development team said the order showed that the area's "
            "boatbuilding tradition still had a future. “Skills like these take generations to "
            "build and can be lost in a few years,” said its head, Owen Carlyon.",
        ),
        comments=(
            C(
                "Welder wanted?",
                "Is there anywhere to send a CV? My son has just finished his welding course.",
            ),
            C(
                "Old crabber",
                "I sailed in one of old Mr Brannoc's crabbers for twenty years. "
                "Never leaked a drop.",
            ),
            C("Ria T", "Brilliant news for the town. Proper skilled jobs that aren't in a café."),
        ),
    ),
    Story(
        section="business",
        slug="penhallows-bakery-closes",
        published="2026-11-16T12:30:00+00:00",
        title="Penhallow's Bakery closes after 61 years on Fore Street",
        description="The bakery famous for its saffron buns will close on Christmas Eve as its "
        "owners retire and no buyer can be found.",
        authors=("Dan Ashby",),
        tags=("shops", "Fore Street", "food"),
        body=(
            "Penhallow's Bakery, which has sold bread, pasties and saffron buns on Fore Street "
            "since 1965, will close its doors for the last time on Christmas Eve.",
            "Owners Derek and Ann Penhallow, who took over the business from Derek's parents in "
            "1988, say they have decided to retire after failing to find a buyer willing to "
            "take on the shop and its wood-fired oven.",
            "“We've been getting up at four in the morning for most of our lives,” said "
            "Mr Penhallow, 67. “We always hoped someone would carry it on, but the hours are "
            "hard, and it's not the kind of business you can run from a laptop.”",
            "## A Fore Street institution",
            "The bakery has become something of a landmark, with queues for its saffron buns "
            "stretching down the street on summer weekends and a steady trade from fishermen and "
            "harbour workers on winter mornings.",
            "Its closure will leave Fore Street without an independent baker for the first time "
            "in living memory. Two other bakeries in the town closed in the last decade, one of "
            "them replaced by a chain coffee shop.",
            "Customers have been leaving cards and flowers on the shop's windowsill since the "
            "news was posted on a handwritten sign in the window last week. “Half the town "
            "learned to count with a bag of buns from this counter,” one card read.",
            "## Recipes stay in town",
            "The Penhallows say they will not sell the recipe for their saffron buns, which was "
            "written down by Derek's mother in a notebook that still sits on a shelf above the "
            "oven. Instead, they plan to give it to the town museum.",
            "The building is owned by the couple and will be put up for sale in the new year. "
            "Mrs Penhallow said they would be delighted if it stayed a bakery, but would not "
            "insist on it. “Whatever happens, it'll smell of bread for a few years yet,” she "
            "said.",
        ),
        comments=(
            C(
                "Saffron bun addict",
                "Christmas Eve will be a sad day on Fore Street. Thank you both for everything.",
            ),
            C(
                "harbour_worker",
                "Two pasties every Friday for fifteen years. I'll miss you more than I can say.",
            ),
            C("C. Lanyon", "Someone please buy it and keep the oven going."),
            C(
                "Visitor from upcountry",
                "We come every summer and the first stop is always Penhallow's. End of an era.",
            ),
        ),
    ),
    Story(
        section="business",
        slug="hallow-seafoods-shifts",
        published="2026-11-11T10:15:00+00:00",
        title="Hallow Seafoods cuts shifts as scallop prices fall",
        description="The town's largest private employer is moving to a four-day week at its "
        "processing plant after a slump in export prices.",
        authors=("Owen Tregarth",),
        role="Business Editor",
        tags=("fishing", "jobs", "exports"),
        jsonld="graph",
        body=(
            "Hallow Seafoods, the town's largest private employer, is cutting production at its "
            "processing plant to four days a week after a sharp fall in the price of scallops on "
            "export markets.",
            "About 110 people work at the plant on the industrial estate above the harbour, "
            "processing scallops, crab and whitefish landed in Port Hallow and at two smaller "
            "harbours along the coast.",
            "The company said the price it was being paid for frozen scallop meat by buyers in "
            "France and Spain had fallen by almost a quarter since the summer, as larger "
            "producers flooded the market with cheaper product.",
            "## No redundancies, for now",
            "Managing director Graham Hocking said the company hoped the shorter week would be "
            "temporary and that no redundancies were planned. Staff will keep their full holiday "
            "entitlement, and the company will pay a top-up to those on the lowest wages for the "
            "first two months.",
            "“We would rather everybody works four days than some people work none,” he said. "
            "“We've been through bad patches before, and we've come out of them with the same "
            "people we went in with.”",
            "Union representatives at the plant said they had agreed to the change reluctantly. "
            "Many of the workers are on hourly contracts, and the loss of a day's pay each week "
            "will be keenly felt in the run-up to Christmas.",
            "## Boats affected too",
            "The fall in prices has also hit the town's scallop boats. Several skippers say they "
            "are tying up for longer between trips because the catch is barely covering the "
            "cost of fuel. The harbour master said landings of scallops in October were the "
            "lowest for that month in six years.",
            "The company said it would review the four-day pattern in February, when the new "
            "season's contracts with its European buyers are negotiated.",
        ),
        comments=(
            C("Plant worker", "Four days' pay in December. Merry Christmas to us."),
            C(
                "Fishwife of Quay St",
                "At least Graham is straight with people. Other firms would "
                "have laid half of them off.",
            ),
        ),
    ),
    Story(
        section="business",
        slug="harbour-office-coworking",
        published="2026-11-05T16:00:00+00:00",
        title="Co-working space opens in former harbour office",
        description="Desks, meeting rooms and a sea view: the Victorian harbour master's office "
        "has been turned into a workspace for freelancers and small firms.",
        authors=("Kit Morrow",),
        tags=("harbour", "offices", "remote work"),
        date_style="us_time",
        body=(
            "The Victorian building that housed Port Hallow's harbour master for more than a "
            "century has reopened as a shared workspace for freelancers, remote workers and "
            "small businesses.",
            "The Old Harbour Office, on the corner of Quay Street and the Strand, has been empty "
            "since the harbour master moved to a modern portable building beside the fish "
            "market in 2017.",
            "It has now been renovated by a social enterprise, Harbourside Works, with the help "
            "of a £180,000 grant from the county's town centre fund. The ground floor has 24 "
            "desks, and the upper floor, which looks straight down the harbour, has been turned "
            "into two meeting rooms that can be hired by the hour.",
            "## Demand from home workers",
            "Harbourside Works' founder, Becca Rundle, said the idea came from her own years of "
            "working from a kitchen table. “There are hundreds of people in this town working "
            "for companies in London, Bristol or further away, and most of them are doing it "
            "from a back bedroom,” she said. “They want a desk, decent broadband and someone to "
            "talk to at lunchtime.”",
            "Desks can be rented by the day, the week or the month, with lower rates for people "
            "starting a business and for those on low incomes. Fourteen desks had been booked "
            "on a monthly basis before the doors opened.",
            "Many of the building's original features have been kept, including the harbour "
            "master's mahogany counter, which now serves as the reception desk, and the brass "
            "tide clock on the wall of the main room. The office's old ledgers, which record "
            "two centuries of shipping, were [put online by the town archive](/culture/2026/10/"
            "27/harbour-ledgers-digitised) last month.",
            "## Life back in the old quarter",
            "Traders on Quay Street hope the new workspace will bring more people into the old "
            "quarter during the week, especially in winter when the tourists have gone. The café "
            "next door has already extended its weekday opening hours.",
            "The building will host a free open day on Saturday, with tours of the restored "
            "rooms and an exhibition of photographs of the harbour master's office in its "
            "working days.",
        ),
        comments=(
            C(
                "Remote worker on Chapel Hill",
                "Signed up for a monthly desk already. My kitchen table will not miss me.",
            ),
            C(
                "Former harbour staff",
                "I worked behind that counter in the 1990s. So glad the building has been saved.",
            ),
            C(
                "Broadband?",
                "Does it actually have fast broadband? Half the town still can't get it.",
            ),
        ),
    ),
    Story(
        section="business",
        slug="tourism-survey-visitor-numbers",
        published="2026-10-28T09:30:00+00:00",
        title="Visitor numbers up a fifth despite wet summer, tourism survey finds",
        description="More people came to Port Hallow this year than in any year since 2019, but "
        "they spent less per head and stayed for fewer nights.",
        authors=("Dan Ashby",),
        tags=("tourism", "economy"),
        jsonld="plain",
        body=(
            "More visitors came to Port Hallow this year than at any time since before the "
            "pandemic, according to the annual tourism survey published on Tuesday, although "
            "they spent less and stayed for shorter breaks.",
            "The survey, carried out for the town's business improvement district, estimates "
            "that 412,000 visitors came to the town between April and September, an increase of "
            "21 per cent on last year, despite one of the wettest Julys on record.",
            "But average spending per visitor fell by about 8 per cent, and the average length "
            "of stay dropped from 3.6 nights to 3.1, a trend the survey's authors link to the "
            "rising cost of accommodation and a growing number of day trippers.",
            "## Day trippers and short breaks",
            "Hotels and guest houses reported a strong spring but a weaker August than usual, "
            "while holiday lets saw more bookings of two or three nights and fewer week-long "
            "stays. Cafés and attractions did best, helped by visitors sheltering from the rain.",
            "The chair of the business improvement district, Morwenna Ellery, said the figures "
            "showed that Port Hallow remained popular but that the town needed to give people "
            "reasons to stay longer. “A day trip is lovely, but it's the second and third night "
            "that keeps restaurants open in October,” she said.",
            "The survey also found that a quarter of visitors arrived by train and bus, up from "
            "a fifth three years ago, and that the harbour, the lighthouse walk and the "
            "Tidewater Mill arts centre remained the most visited attractions.",
            "## Pressure on residents",
            "Residents' groups said the figures would add to concern about congestion and the "
            "number of homes used as holiday lets. The town council is preparing a response to "
            "a county consultation on whether to introduce a small overnight visitor levy, with "
            "the money going to local services.",
            "The full survey report is available from the business improvement district's "
            "office on Fore Street.",
        ),
        comments=(
            C(
                "B&B owner",
                "Shorter stays mean twice the laundry for the same money. Nobody talks about that.",
            ),
            C(
                "Local driver",
                "A fifth more visitors and not one extra parking space. August was chaos.",
            ),
        ),
    ),
    Story(
        section="business",
        slug="strand-solar-canopy",
        published="2026-10-19T13:00:00+01:00",
        title="Energy co-operative plans solar canopy over Strand car park",
        description="Hallow Community Energy wants to raise £400,000 from residents to roof the "
        "seafront car park with solar panels.",
        authors=("Rosa Quint", "Owen Tregarth"),
        tags=("energy", "environment", "the Strand"),
        meta=False,
        date_style="plain",
        body=(
            "A community energy co-operative wants to cover the Strand car park with a canopy of "
            "solar panels, producing enough electricity to power the town hall, the library and "
            "the leisure centre.",
            "Hallow Community Energy, which already runs solar arrays on the roofs of two "
            "schools and the fire station, plans to raise £400,000 through a share offer open to "
            "anyone living in the area, with a minimum investment of £50.",
            "The canopy would stand on steel columns above the existing parking bays, leaving "
            "all 140 spaces in use, and would include 20 charging points for electric vehicles. "
            "The co-operative says it would generate about 310,000 kilowatt hours of electricity "
            "a year.",
            "## Shares for residents",
            "Members would receive a modest annual return, expected to be around 4 per cent, and "
            "any surplus would go into a fund for insulating the homes of older and low-income "
            "residents.",
            "“This is about the town owning its own power,” said the co-operative's chair, Jowan "
            "Kitto. “Every pound that a council building spends on electricity from our canopy "
            "stays in Port Hallow instead of going to a shareholder somewhere else.”",
            "The town council, which owns the car park, has agreed in principle to lease the "
            "space above it to the co-operative for 25 years and to buy the electricity "
            "generated at a fixed price.",
            "## Concerns about the view",
            "Not everyone is convinced. The Port Hallow Civic Society says a canopy of panels "
            "would spoil the view of the seafront from the harbour and the headland, and has "
            "asked for the design to be reconsidered. The co-operative says it will publish "
            "drawings and hold an exhibition before applying for planning permission.",
            "If permission is granted, the share offer would open in the spring, and the canopy "
            "could be generating power by the following winter.",
        ),
        comments=(
            C(
                "Solar sceptic",
                "Lovely idea until the first winter storm takes the panels into the harbour.",
            ),
            C("Jen K", "I'll be buying shares. Better than anything my bank offers."),
            C(
                "Civic Society supporter",
                "The view of the Strand from the Point is one of the "
                "best on this coast. Think again.",
            ),
        ),
    ),
)

DEAD_LINKS = (
    DeadLink(
        section="business",
        path="/business/2026/11/13/harbour-hotel-sold",
        title="Harbour Hotel sold to regional hospitality group",
        description="The seafront hotel has changed hands for an undisclosed sum, and the new "
        "owners promise a full refit.",
        published="2026-11-13T09:20:00+00:00",
        status=500,
    ),
)
