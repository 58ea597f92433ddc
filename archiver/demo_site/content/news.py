"""News stories of The Harbour Gazette (fiction written for the demo site)."""

from __future__ import annotations

from archiver.demo_site.content import Comment as C
from archiver.demo_site.content import DeadLink, Story

STORIES = (
    Story(
        section="news",
        slug="harbour-wall-repairs-approved",
        published="2026-11-25T08:15:00+00:00",
        modified="2026-11-25T14:40:00+00:00",
        title="Harbour wall repairs approved after November storms",
        description="The Harbour Commissioners have agreed a £2.4m plan to rebuild the damaged "
        "section of the Old Mole before the spring fishing season.",
        authors=("Jane Doe", "Tom Field"),
        tags=("harbour", "storms", "Harbour Commissioners"),
        jsonld="plain",
        layout="figure",
        body=(
            "Work to rebuild a 60-metre stretch of Port Hallow's storm-battered harbour wall will "
            "begin in January after the Harbour Commissioners approved a £2.4 million repair plan "
            "on Tuesday evening.",
            "The section of the Old Mole nearest the lifeboat slipway lost dozens of its granite "
            "facing stones during the gales of the first week of November, leaving the rubble "
            "core of the 19th-century structure open to the sea.",
            "Engineers who surveyed the wall afterwards warned that another winter of heavy seas "
            "could bring down the parapet, which carries the footpath to the lighthouse and "
            "shelters around forty moorings on its landward side.",
            "## A race against the spring tides",
            "Commissioners heard that contractors will work from a floating pontoon and will have "
            "to fit their shifts around the tides, with the deepest excavations planned for the "
            "low spring tides of late February and March.",
            "[[figure:harbour.png|The damaged stretch of the Old Mole, seen from Hallow Point at "
            "low tide.|Photograph: Tom Field]]",
            "“Nobody wants to see scaffolding on the Mole in the summer, but we cannot pretend the "
            "wall can wait,” said Morwenna Pascoe, who chairs the commissioners. “Every fisherman "
            "in this harbour knows what happens if that parapet goes.”",
            "About two thirds of the stone lost in the storm has been recovered from the harbour "
            "bed by divers and will be dressed and reused. The rest will come from a quarry on "
            "the far side of the county, chosen because its granite weathers to a similar grey.",
            "## A wall with a long history",
            "The Old Mole was built between 1838 and 1842 by the harbour's first commissioners, "
            "using granite carted down from the moor above the town. It replaced a timber pier "
            "that had been swept away twice in twenty years, and it has protected the inner "
            "harbour through every great storm since, including the gales of 1891 and 1953.",
            "It has been repaired many times, most recently in 1990, when a concrete skin was "
            "poured over part of the seaward face. The engineers' report found that the "
            "concrete had trapped water behind it and may have made the storm damage worse, and "
            "it will be taken off during the new works.",
            "Local historian Gerald Nance, who has written a history of the harbour, said the "
            "decision to reuse the original stone was the right one. “The Mole is not just a "
            "piece of engineering, it is the reason there is a town here at all,” he said. "
            "“Every stone in it was put there by someone's great-great-grandfather.”",
            "## Who pays",
            "The commissioners will draw £900,000 from their reserves and have applied to the "
            "county's coastal resilience fund for the remainder. A decision on the grant is "
            "expected before Christmas; if it is refused, harbour dues for visiting yachts could "
            "rise by up to 15 per cent next year.",
            "Skippers at Tuesday's meeting welcomed the decision but asked for the work to be "
            "phased so that no more than a dozen moorings are out of use at any one time. The "
            "commissioners agreed to publish a mooring plan before the end of the month. The "
            "footpath to the lighthouse will stay open except on the days when the parapet "
            "itself is being rebuilt.",
            "*This story was updated on 25 November to add the commissioners' promise of a "
            "mooring plan and to correct the length of the damaged section.*",
        ),
        comments=(
            C(
                "Old_Salt_Hallow",
                "About time too, and not a moment too soon. My grandfather "
                "helped patch that wall after the 1953 storm and said even then it needed more "
                "than patching.",
            ),
            C(
                "Kerensa P",
                "Fifteen per cent more on visiting yachts will just send them round "
                "to Skerra. Who decided that was a good idea?",
            ),
            C("lighthouse_walker", "Glad the path stays open. That's my morning walk."),
            C(
                "T. Hendry",
                "Good to see the old stone going back in rather than concrete. The "
                "Mole is the best thing in this town.",
            ),
        ),
    ),
    Story(
        section="news",
        slug="marsh-lane-library-stays-open",
        published="2026-11-24T17:30:00+00:00",
        title="Town council votes to keep Marsh Lane library open",
        description="Councillors dropped a plan to close the branch library after a petition "
        "signed by more than 3,000 residents, but its opening hours will be cut.",
        authors=("Priya Raman",),
        role="Political Correspondent",
        tags=("council", "libraries", "budget"),
        date_style="us_time",
        body=(
            "Marsh Lane library will stay open after Port Hallow Town Council voted by eleven "
            "votes to four on Monday night to abandon plans to close it at the end of the "
            "financial year.",
            "The decision follows a six-week campaign by parents, pensioners and the library's "
            "own volunteers, whose petition gathered 3,214 signatures, more than a third of the "
            "town's adult population.",
            "The council had proposed closing the branch, which occupies the ground floor of a "
            "former Methodist schoolroom, to save £48,000 a year as it tries to close a gap of "
            "almost £400,000 in next year's budget.",
            "## Shorter hours, more volunteers",
            "Under the compromise agreed on Monday, the library will open on four days a week "
            "instead of six, and a volunteer rota organised by the Friends of Marsh Lane Library "
            "will cover Saturday mornings. The council says the changes will save about £19,000.",
            "Councillor Amrit Sandhu, who leads on community services, said the vote showed the "
            "council had listened. “We got this wrong in September, and I am glad we have had "
            "the chance to put it right,” she said. “But nobody should pretend the money problem "
            "has gone away.”",
            "Opposition councillors said the savings would now have to be found elsewhere and "
            "questioned whether the volunteer rota could last. Councillor Bryn Loveday said he "
            "had voted against the compromise because it “puts off a hard choice until next "
            "year”.",
            "## What happens next",
            "The new opening hours will take effect in April. The council's finance committee "
            "will meet on 8 December to consider other savings, including a review of charges at "
            "the town's three car parks and a proposal to share a chief executive with the "
            "neighbouring district.",
            "Joan Treloar, 81, who has borrowed books from Marsh Lane since it opened in 1971, "
            "said she had cried when she heard the result. “It's not just books,” she said. "
            "“It's the only warm room some of us have on a weekday afternoon.”",
            "The library is currently showing [a map of the town's lost streams](/news/2026/11/"
            "12/pupils-map-lost-streams) drawn by pupils at Harbourside Primary, and will host a "
            "celebration for the petition's volunteers next month.",
        ),
        comments=(
            C(
                "Bookworm_PH",
                "Well done to everyone who signed the petition and stood outside in "
                "the rain collecting names.",
            ),
            C(
                "R. Chenoweth",
                "Four days is better than none, but the council should publish "
                "exactly where the other savings are going to come from.",
            ),
            C("quaysider", "Car park charges going up again, you watch. Someone always pays."),
        ),
    ),
    Story(
        section="news",
        slug="lifeboat-rescues-kayakers-gull-rock",
        published="2026-11-23T10:05:00+00:00",
        title="Lifeboat crew rescues two kayakers off Gull Rock",
        description="Volunteers launched into a rising swell on Sunday afternoon after the pair "
        "were carried beyond the headland by the ebbing tide.",
        authors=("Ellis Penrose",),
        role="Chief Reporter",
        tags=("lifeboat", "sea safety"),
        jsonld="list",
        layout="story-body",
        body=(
            "Two kayakers were pulled from the water off Gull Rock on Sunday afternoon after the "
            "ebbing tide carried them around the headland and into a rising swell.",
            "Port Hallow's inshore lifeboat launched at 2.47pm after a walker on the coast path "
            "saw one of the kayaks capsize and called the coastguard.",
            "The crew found both paddlers in the water about 400 metres north-west of the rock, "
            "clinging to one upturned boat. They were cold but unhurt and were brought back to "
            "the lifeboat station, where they were checked by paramedics and given dry clothes.",
            "## “They did the right things”",
            "Helm Jory Angove said the pair, a father and his adult son visiting from inland, had "
            "done well to stay together and keep hold of their kayak. “They were wearing buoyancy "
            "aids, they stayed with the boat and they didn't try to swim for the rocks,” he said. "
            "“Those three things are why this was a rescue and not a search.”",
            "The stretch of water beyond Gull Rock is notorious among local sailors. On a falling "
            "tide the current runs hard around the headland, and the swell that builds against "
            "it can turn flat water into breaking waves within a few minutes.",
            "The station's volunteer crew has now launched 31 times this year, its busiest year "
            "since 2019. Most call-outs have involved walkers cut off by the tide below the "
            "cliffs at Porth Vean, though the crew has also gone to four fishing boats with "
            "engine failure.",
            "## Advice for visitors",
            "The lifeboat station will run free sea safety sessions for paddlers on the first "
            "Saturday of each month from March. Mr Angove urged anyone going out on the water to "
            "check the tide times, tell someone on shore where they are going and carry a way of "
            "calling for help in a waterproof pouch.",
            "Anyone who sees someone in difficulty in the water should dial 999 and ask for the "
            "coastguard.",
        ),
        comments=(
            C(
                "Gwen_at_the_Point",
                "Huge thanks to the crew, who are all volunteers and were out "
                "again on Tuesday night.",
            ),
            C(
                "harbourdad",
                "The current off Gull Rock catches people every single year. Could "
                "the council put a proper sign at the slipway?",
            ),
        ),
    ),
    Story(
        section="news",
        slug="gasworks-site-consultation",
        published="2026-11-21T09:00:00+00:00",
        title="Residents asked to shape plans for the old gasworks site",
        description="A six-week consultation opens on what should replace the derelict gasworks "
        "beside the river, with homes, a park and workshops among the options.",
        authors=("Priya Raman",),
        role="Political Correspondent",
        tags=("planning", "council", "housing"),
        meta=False,
        date_style="us",
        body=(
            "People in Port Hallow are being asked what they want to see built on the former "
            "gasworks beside the River Hallow, a site that has been fenced off and empty for "
            "almost thirty years.",
            "The town council, which bought the three-acre plot from a utility company last "
            "year, has opened a six-week consultation setting out three broad options: mostly "
            "housing, a mix of homes and small workshops, or a riverside park with a smaller "
            "number of homes at its northern end.",
            "Clean-up work on the land, which was polluted by more than a century of gas "
            "production, finished in the summer. Council officers say all three options are now "
            "technically possible, although each would bring a different mix of costs and "
            "income.",
            "## Three options",
            "The first option would see about 90 homes built, a third of them affordable, and "
            "would raise the most money for the council. The second would reduce the number of "
            "homes to around 60 and add a terrace of workshops aimed at boatbuilders, makers and "
            "small repair businesses.",
            "The third, the park option, has been championed by a residents' group that has "
            "spent two years campaigning for public access to the riverbank. It would create a "
            "green space running from the old gasholder base to the footbridge, with 30 to 40 "
            "homes behind it.",
            "“We have heard a lot of strong views about this site over the years,” said the "
            "council's head of regeneration, Marcus Hale. “What we want now is to hear from "
            "people who haven't already made up their minds.”",
            "## How to take part",
            "Paper copies of the consultation are available at Marsh Lane library and the town "
            "hall, and there will be drop-in sessions at the Tidewater Mill on 28 November and "
            "5 December. Responses can also be made through the council's website until "
            "2 January.",
            "The council expects to choose a preferred option in the spring and to look for a "
            "development partner later in the year. Any scheme would still need planning "
            "permission, and the council has promised a second round of consultation once "
            "detailed designs are drawn up.",
        ),
        comments=(
            C(
                "riverside_rosie",
                "Please, please choose the park option. This town has nowhere "
                "green by the water apart from the cemetery.",
            ),
            C(
                "Dan from Chapel Hill",
                "Ninety homes would do more for young families than "
                "another park, whatever the residents' group says.",
            ),
            C("M. Rowe", "Workshops are a good idea but who is going to pay those rents?"),
        ),
    ),
    Story(
        section="news",
        slug="chapel-hill-bus-timetable",
        published="2026-11-19T13:20:00+00:00",
        modified="2026-11-20T08:00:00+00:00",
        title="New bus timetable cuts evening services to Chapel Hill",
        description="The last bus up the hill will leave the harbour at 7.10pm from January, "
        "leaving shift workers and students without a way home.",
        authors=("Tom Field",),
        tags=("transport", "buses", "Chapel Hill"),
        jsonld="graph",
        body=(
            "Evening bus services between Port Hallow harbour and the Chapel Hill estate will be "
            "cut back from January under a new timetable published by the county's bus operator "
            "this week.",
            "The last departure from the harbour stop on route 14 will leave at 7.10pm on "
            "weekdays, almost three hours earlier than at present, and the Sunday service will "
            "be reduced to one bus every two hours.",
            "The operator, Westmere Coaches, said passenger numbers on the late-evening journeys "
            "had fallen below six people per trip and that the county council's subsidy no "
            "longer covered the cost of running them.",
            "## Shift workers left stranded",
            "Workers at the Hallow Seafoods processing plant and the community hospital, many of "
            "whom live on Chapel Hill, say the change will leave them without a way home after "
            "late shifts. The hill climbs more than 100 metres from the harbour and has no "
            "pavement for part of its length.",
            "“I finish at nine three nights a week,” said Carla Mendes, a healthcare assistant at "
            "the hospital. “In summer I can walk, but nobody should be walking up that road in "
            "the dark in January.”",
            "Students at the sixth form college, which runs evening classes until 8.30pm, are "
            "also affected. The college says it is considering a minibus for evening learners "
            "but has not yet found the money to run it.",
            "## Council to lobby operator",
            "The town council's transport spokesman, Councillor Idris Baptiste, said the town "
            "would ask the county to restore at least one later journey. “A timetable that stops "
            "at ten past seven is a timetable for people who don't work,” he said.",
            "Westmere Coaches said it was willing to discuss a bookable service, in which "
            "passengers call a minibus by phone or app, if the county council could pay for a "
            "trial.",
            "*An earlier version of this story said the Sunday service would stop altogether. "
            "It will run every two hours.*",
        ),
        comments=(
            C(
                "ChapelHillMum",
                "My daughter finishes college at half eight. So she walks up an "
                "unlit hill in the rain now, does she?",
            ),
            C("Pete Rosewarne", "Six people a trip is still six people who need that bus."),
            C(
                "night_shift_nurse",
                "The hospital should put on a shuttle. They managed it when "
                "the car park was being rebuilt.",
            ),
            C(
                "Bus user",
                "A bookable minibus sounds good on paper but the one in the next "
                "county was scrapped after a year.",
            ),
        ),
    ),
    Story(
        section="news",
        slug="flood-warning-lifted",
        published="2026-11-17T06:50:00+00:00",
        title="Flood warning lifted as tide defences hold",
        description="The flood gates on the Strand were closed for the first time this winter "
        "as a surge tide peaked half a metre above the predicted level.",
        authors=(),
        tags=("weather", "flooding", "the Strand"),
        body=(
            "A flood warning for the Strand and the lower end of Fore Street was lifted early on "
            "Tuesday after the town's tidal defences held back a surge tide that peaked just "
            "after 4am.",
            "The flood gates at the bottom of Quay Street and the Strand were closed by harbour "
            "staff late on Monday evening, the first time they have been used this winter, and "
            "sandbags were handed out to about thirty properties judged to be at the highest "
            "risk.",
            "The tide gauge in the inner harbour recorded a peak of 3.9 metres above chart "
            "datum, about half a metre above the predicted level, as low pressure and a strong "
            "south-westerly wind pushed water into the bay.",
            "## Spray but no flooding",
            "Waves breaking over the sea wall threw spray and shingle across the Strand car "
            "park, which had been cleared of vehicles on Monday afternoon, but no properties were "
            "flooded. The road reopened at 7am once council workers had cleared debris.",
            "The Environment Agency's regional office said the defences, which were raised and "
            "strengthened in 2019, had performed as designed. It warned that further high tides "
            "later in the week could bring another period of risk, particularly if the wind "
            "stayed in the south-west.",
            "Shopkeepers on Fore Street said they had moved stock upstairs as a precaution. “You "
            "learn to read the sky here,” said one, who has run a gift shop at the bottom of the "
            "street for twenty years. “When the flood gates go across, the kettle goes "
            "upstairs.”",
            "## Staying informed",
            "Residents can sign up for flood alerts by phone, text or email through the "
            "Environment Agency's free warning service. The harbour office posts the times of "
            "gate closures on its noticeboard beside the fish market and on its phone line, which "
            "gives a recorded message outside office hours.",
            "The next high spring tides are expected on Thursday and Friday mornings. Harbour "
            "staff will decide on Wednesday evening whether the gates need to close again.",
        ),
    ),
    Story(
        section="news",
        slug="hospital-recruits-night-nurses",
        published="2026-11-14T11:30:00+00:00",
        title="Community hospital recruits night nurses from overseas",
        description="Eight nurses from the Philippines and Kerala will join Port Hallow "
        "Community Hospital in the new year, ending a reliance on agency staff at night.",
        authors=("Jane Doe",),
        tags=("health", "hospital", "jobs"),
        jsonld="plain",
        layout="story-body",
        body=(
            "Port Hallow Community Hospital has recruited eight nurses from overseas to fill "
            "gaps on its night shifts, which for more than a year have relied heavily on agency "
            "staff.",
            "The nurses, who are coming from the Philippines and from the Indian state of "
            "Kerala, will arrive in January and spend their first month on an induction "
            "programme before joining the hospital's two inpatient wards.",
            "The hospital's matron, Sian Polglase, said the recruitment would make a real "
            "difference to patients. “Agency nurses do a good job, but they don't know our "
            "patients, our building or our ways of working,” she said. “Continuity matters, "
            "especially at three in the morning.”",
            "## Housing the newcomers",
            "Finding somewhere to live has been one of the biggest obstacles. With holiday lets "
            "taking up a large share of the town's rented homes, the hospital has leased four "
            "flats above the old post office on Fore Street and will offer them to the new staff "
            "at below-market rents for their first two years.",
            "Spending on agency staff at the hospital reached £1.1 million in the last financial "
            "year, nearly a fifth of its nursing budget. Managers expect the new recruits to cut "
            "that bill by at least half.",
            "Local groups are preparing to welcome them. St Brannoc's church has offered to host "
            "a welcome supper, and a Filipino community association in the county town has "
            "promised to help the new arrivals find their feet.",
            "## Training at home",
            "The hospital is also working with the county college on a scheme that will allow "
            "healthcare assistants already working on the wards to train as nurses while they "
            "continue to earn. The first six places will be offered next September.",
            "“International recruitment is part of the answer, not the whole of it,” said "
            "Ms Polglase. “In five years I want our night shifts staffed by people who grew up on "
            "this coast as well as people who chose to make it their home.”",
        ),
        comments=(
            C(
                "Ward 2 visitor",
                "Lovely news for the wards. The night staff looked after my dad "
                "so well last winter and they were run off their feet.",
            ),
            C("K. Bolitho", "Good luck to them finding anywhere to rent in this town in summer."),
        ),
    ),
    Story(
        section="news",
        slug="pupils-map-lost-streams",
        old_slug="pupils-map-lost-rivers",
        published="2026-11-12T15:45:00+00:00",
        modified="2026-11-12T18:05:00+00:00",
        title="Harbourside Primary pupils map the town's lost streams",
        description="A year-five project has traced four streams that once ran through Port "
        "Hallow and now flow in pipes beneath its streets.",
        authors=("Sam Achterberg",),
        tags=("schools", "history", "rivers"),
        date_style="weekday",
        body=(
            "Pupils at Harbourside Primary School have drawn a map of the streams that once ran "
            "openly through Port Hallow before they were buried in culverts beneath the town's "
            "streets.",
            "The year-five class spent a term comparing old maps, walking the town with a water "
            "engineer and listening at drain covers to trace the routes of four streams that "
            "flow down from the hills into the harbour.",
            "The largest of them, known on 18th-century maps as the Tinner's Leat, still runs "
            "beneath the length of Fore Street. On a quiet evening, the pupils found, it can be "
            "heard through the grating outside the bakery.",
            "## Listening at drains",
            "“The children were amazed that there is a whole river under the road they walk to "
            "school along,” said their teacher, Nia Kessell. “It has changed how they look at the "
            "town. Every drain cover is now a clue.”",
            "The project began when a pupil brought in a photograph of her great-grandfather "
            "standing beside an open stream on what is now the Strand car park. The class traced "
            "the stream back through estate maps held in the county record office and found it "
            "had been covered over in the 1930s.",
            "The finished map, drawn by the pupils and printed with the help of a grant from the "
            "Port Hallow Civic Society, shows the old courses of the four streams alongside "
            "today's streets, with notes on the mills, wash-houses and footbridges that once "
            "stood beside them.",
            "## On show at the library",
            "The map will be displayed at Marsh Lane library until the end of January, and "
            "copies will be given "
            "to every primary school in the town. The water company has asked for a copy too, "
            "saying the pupils' research has filled gaps in its own records of the older "
            "culverts.",
            "*This story was updated on 12 November: an earlier version gave the wrong decade "
            "for the covering of the Strand stream, and a different headline.*",
        ),
        comments=(
            C(
                "former_pupil_1998",
                "We used to dare each other to put our ears to that grating "
                "on Fore Street. Brilliant to see it on a proper map.",
            ),
            C(
                "Civic Society member",
                "A wonderful piece of work, and a reminder that the town's "
                "history is right under our feet.",
            ),
            C(
                "HallowFlood",
                "Maybe now someone will explain why the bottom of Fore Street "
                "floods every time it rains hard.",
            ),
        ),
    ),
    Story(
        section="news",
        slug="coastguard-overnight-closure",
        published="2026-11-10T07:30:00+00:00",
        title="Coastguard station to close overnight under new rota",
        description="The Hallow Point lookout will be unstaffed between midnight and 6am from "
        "February, a change the lifeboat crew says will slow night searches.",
        authors=("Ellis Penrose",),
        role="Chief Reporter",
        tags=("sea safety", "coastguard", "Hallow Point"),
        jsonld="plain",
        body=(
            "The coastguard lookout on Hallow Point will be left unstaffed overnight from "
            "February under a new national rota that moves night-time monitoring of the coast to "
            "a regional centre more than sixty miles away.",
            "Officers at the lookout currently keep a 24-hour watch over the bay, the approaches "
            "to the harbour and the channel between the mainland and Skerra Island.",
            "Under the new arrangements, the station will be staffed from 6am until midnight. "
            "Overnight, emergency calls will be handled by the regional coordination centre, "
            "which will rely on radio traffic and electronic tracking of larger vessels to "
            "monitor the area.",
            "## Lifeboat crew concerns",
            "Volunteers at the Port Hallow lifeboat station say the change will make night "
            "searches slower and harder. “The people on the Point know every rock and every "
            "current,” said the station's operations manager, Wenna Colenso. “A controller at a "
            "desk sixty miles away doesn't, however good they are.”",
            "Fishing crews have also raised concerns. Small boats working the grounds beyond "
            "Skerra often do not carry the tracking equipment used by larger vessels, and "
            "several skippers said they relied on the lookout hearing their calls on the local "
            "radio channel.",
            "The coastguard service said the change reflected the small number of incidents in "
            "the area between midnight and 6am, which it put at fewer than ten a year. It said "
            "no station would lose staff and that the Point's officers would work longer daytime "
            "shifts during the summer.",
            "The lookout's officers also watch over the coast path, and several rescues of "
            "walkers cut off by the tide have begun with a call from the Point. Last winter the "
            "station's night watch raised the alarm for a yacht dragging its anchor in the bay "
            "at two in the morning, and the lifeboat reached it before it struck the rocks.",
            "## Petition launched",
            "A petition calling for the overnight watch to be kept had gathered more than 1,200 "
            "signatures by Monday evening. The town's member of parliament has written to the "
            "maritime minister asking for the decision to be reviewed.",
            "The lookout has kept watch over the bay since 1924, when it was built after a "
            "schooner was lost with all hands on the rocks below Hallow Point.",
        ),
        comments=(
            C(
                "Skipper Nancarrow",
                "Fewer than ten incidents a year is ten families who needed someone listening.",
            ),
            C(
                "Jo Tregenza",
                "Signed the petition this morning. My brother fishes out past "
                "Skerra and that radio is his lifeline.",
            ),
            C(
                "sceptical_local",
                "Wasn't the same promise made when they closed the Porthgarrow "
                "station? Look how that turned out.",
            ),
            C(
                "A. Kemp",
                "Longer daytime shifts in summer doesn't help anyone in a winter storm at 3am.",
            ),
        ),
    ),
    Story(
        section="news",
        slug="scallop-boat-owner-fined",
        published="2026-11-06T19:10:00+00:00",
        title="Magistrates fine scallop boat owner for dredging in closed zone",
        description="A Skerra skipper must pay more than £14,000 after his boat was tracked "
        "dredging inside a protected seagrass area on three nights in the spring.",
        authors=("Huw Bellamy",),
        role="Court Reporter",
        tags=("courts", "fishing", "Skerra Island"),
        meta=False,
        date_style="weekday",
        body=(
            "The owner of the scallop dredger *Morning Star* has been ordered to pay more than "
            "£14,000 after admitting fishing inside a protected area off Skerra Island on three "
            "nights in April.",
            "Magistrates sitting in the county town heard that satellite tracking data showed "
            "the vessel working back and forth across the Skerra seagrass beds, where dredging "
            "has been banned since 2021 to protect the meadows and the young fish that shelter "
            "in them.",
            "The owner and skipper, Jacob Pengelly, 44, of Skerra, pleaded guilty to three "
            "offences of fishing within a prohibited area. He was fined £9,000 and ordered to "
            "pay costs of £4,200 and a victim surcharge.",
            "## “A moment of stupidity”",
            "Prosecuting for the regional fisheries authority, Alys Moyle told the court that "
            "the catch on the three nights had been worth an estimated £6,500. Divers who "
            "surveyed the area afterwards found fresh scars across an area the size of two "
            "football pitches.",
            "In mitigation, Mr Pengelly's solicitor said her client had been under heavy "
            "financial pressure after a poor winter and a costly engine repair, and had made “a "
            "moment of stupidity, repeated three times, which he deeply regrets”. He had no "
            "previous convictions and had helped investigators fully.",
            "The chairman of the bench said the seagrass beds were “a resource which belongs to "
            "everyone who lives and works on this coast” and that the fine had to reflect the "
            "damage done and deter others.",
            "## Seagrass recovery",
            "Marine scientists monitoring the beds say seagrass can take a decade or more to "
            "recover from dredging. The fisheries authority said it would continue to use "
            "tracking data to police the closed areas and that most local skippers respected "
            "them.",
            "The Skerra Fishermen's Association said it condemned illegal fishing in the "
            "protected zone but urged the authorities to look again at the financial pressures "
            "facing small boats, several of which have been tied up for weeks this autumn.",
        ),
        comments=(
            C(
                "SkerraBorn",
                "Most of the Skerra boats stay well clear of those beds. One man has "
                "given us all a bad name.",
            ),
            C(
                "seagrass_fan",
                "Nine thousand pounds against £6,500 of catch hardly seems much of a deterrent.",
            ),
        ),
    ),
    Story(
        section="news",
        slug="skerra-beach-clean",
        published="2026-10-30T12:00:00+00:00",
        title="Volunteers clear a tonne of plastic from Skerra Island beaches",
        description="More than 120 people crossed to the island for the autumn beach clean, "
        "filling a ferry's car deck with rope, netting and bottles.",
        authors=("Rosa Quint",),
        role="Environment Correspondent",
        tags=("environment", "Skerra Island", "volunteers"),
        jsonld="plain",
        body=(
            "More than 120 volunteers crossed to Skerra Island on Saturday for the autumn beach "
            "clean and brought back just over a tonne of rubbish, the largest haul since the "
            "event began eleven years ago.",
            "Working in teams along the island's exposed western shore, they collected rope, "
            "fishing net, plastic bottles, crates and hundreds of small fragments of plastic "
            "from the strandline, much of it washed up during the storms at the start of the "
            "month.",
            "Kittiwake Ferries carried the volunteers across free of charge and returned with "
            "the rubbish sacks stacked on the car deck of the afternoon sailing.",
            "## Counting the rubbish",
            "The organisers, the Skerra Shore Trust, recorded each item before it was taken "
            "away, and the figures will be added to a national survey of beach litter. Fishing "
            "gear made up almost half the weight of the haul, followed by drinks bottles and "
            "food packaging.",
            "Among the stranger finds were a child's wellington boot, a ship's fender stencilled "
            "with the name of a Portuguese port, and a plastic crate that, from its markings, "
            "had been lost overboard more than twenty years ago.",
            "“Every crate and every length of rope is something that won't end up wrapped around "
            "a seal,” said the trust's coordinator, Elowen Harvey. “But the fact we can fill a "
            "ferry every autumn tells you how much more there is out there.”",
            "## Nets recycled",
            "This year, for the first time, the fishing net collected will be recycled. A firm "
            "in the north of England that turns old nets into pellets for making new plastic "
            "goods has agreed to take it, and the harbour commissioners have given the trust "
            "space on the quay to store it until a lorry load is ready.",
            "The trust's next clean will be on the mainland beaches between Gull Rock and Porth "
            "Vean in March. Volunteers of all ages are welcome, and gloves, bags and litter "
            "pickers are provided.",
        ),
        comments=(
            C("Ferry regular", "Fair play to Kittiwake for carrying everyone across for nothing."),
            C(
                "Mo H",
                "We found a whole lobster pot on the north beach. Took four of us to carry it.",
            ),
            C(
                "greenhallow",
                "Would love to see the companies that sell these bottles pay for the clean-up.",
            ),
        ),
    ),
    Story(
        section="news",
        slug="fore-street-homes-plan",
        published="2026-10-21T16:40:00+01:00",
        title="Plans lodged for 48 homes on Fore Street car park",
        description="A housing association wants to build flats and townhouses on the "
        "council-owned car park, but traders fear for their trade.",
        authors=("Priya Raman", "Jane Doe"),
        tags=("planning", "housing", "Fore Street"),
        body=(
            "A housing association has submitted plans to build 48 homes on the Fore Street car "
            "park, one of the largest sites in the centre of Port Hallow still in public "
            "ownership.",
            "The scheme by Saltings Housing would see a four-storey block of flats built along "
            "the back of the car park and a terrace of townhouses facing Chapel Lane, with all "
            "of the homes offered for social rent or shared ownership.",
            "The town council agreed in principle last year to sell the site to the "
            "association, subject to planning permission, as part of its plan to provide more "
            "affordable homes in a town where average house prices are now more than twelve "
            "times average local earnings.",
            "## Traders worried about parking",
            "Shopkeepers on Fore Street say losing the car park's 86 spaces would drive "
            "customers to the out-of-town supermarket. The scheme would keep 20 spaces for "
            "public use, with the rest of the site given over to homes, gardens and residents' "
            "parking.",
            "“Everyone agrees we need homes for local people,” said Helen Trudgeon, who chairs "
            "the Fore Street Traders' Association. “But if you take away the parking, you take "
            "away the passing trade, and then you'll have homes above empty shops.”",
            "Saltings Housing said a survey it commissioned showed the car park was rarely more "
            "than half full outside the summer months, and that its plans included a new cycle "
            "store and better footpaths to the harbour.",
            "## Height and design",
            "Some neighbours have also raised concerns about the height of the flats, which "
            "would be visible from the harbour. The association's architects say the block has "
            "been designed with slate-hung upper floors and pitched roofs to match the older "
            "buildings on Fore Street.",
            "The planning application will be open for comments for 21 days. The county "
            "council's planning committee is expected to consider it early next year.",
        ),
        comments=(
            C(
                "Fore Street Florist",
                "We lose customers every time the car park is full in "
                "summer. Losing it altogether would finish some of us off.",
            ),
            C(
                "young_and_renting",
                "Forty-eight homes for local people who actually work here. Build them.",
            ),
            C(
                "L. Penhaligon",
                "Four storeys is too high for that spot. It will loom over Chapel Lane.",
            ),
        ),
    ),
)

DEAD_LINKS = (
    DeadLink(
        section="news",
        path="/news/2026/11/08/councillor-expenses-referred",
        title="Councillor's expenses claim referred to standards officer",
        description="A complaint about travel claims made by a town councillor has been passed "
        "to the county's standards officer.",
        published="2026-11-08T10:00:00+00:00",
        status=404,
    ),
)
