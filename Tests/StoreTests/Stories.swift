import Foundation

/// Hand-made stories for the deduplication tests: one story, its syndicated copies, and the
/// near misses that must stay apart.
enum Stories {
    static let paragraphs = [
        "The city council voted on Tuesday to close the old harbour bridge for eighteen months, after engineers found corrosion in two of its steel supports during a routine inspection in March.",
        "Mayor Lina Vos said the decision had not been taken lightly. \"Thousands of people cross this bridge every day, but we cannot ask them to trust a structure that our own engineers no longer trust,\" she told reporters outside the town hall.",
        "The closure will begin on the first of June. A temporary ferry service between the north quay and the fish market will run every fifteen minutes during the day, and buses will be rerouted over the ring road.",
        "Shopkeepers on the north side of the harbour fear a drop in trade. Peter Claes, who has run a bakery near the bridge for twenty years, said most of his morning customers walk over from the station.",
        "Repairs are expected to cost 42 million euros, of which the province has promised to pay a third. The council will ask the national government for the rest when the budget is discussed in September.",
        "The bridge, opened in 1931, was last renovated in the 1980s. It carries around 9,000 cyclists and pedestrians on an average weekday, according to figures from the port authority.",
    ]

    static let original = paragraphs.joined(separator: "\n\n")

    /// The same text under another outlet's headline (the headline is not part of the text).
    static let reheadlined = original

    /// The last paragraph cut, as outlets do to fit a page.
    static let trimmed = paragraphs.dropLast().joined(separator: "\n\n")

    /// Another outlet's chrome around the story.
    static let withChrome = """
        By Anna Berg | Coastal Times

        Share on Facebook

        Updated 14 May 2025, 09:12

        \(original)

        Advertisement

        © 2025 Coastal Times. All rights reserved.

        Read more: Ferry timetable for the summer season
        """

    /// Lightly edited: a wire dateline, curly quotes, a few words changed, one dropped, a figure updated.
    static let edited = paragraphs.enumerated().map { index, paragraph in
        switch index {
        case 0: "HARBOURTON (ANP) - " + paragraph.replacingOccurrences(of: "voted on Tuesday", with: "voted Tuesday")
        case 1: paragraph.replacingOccurrences(of: "\"", with: "\u{201C}").replacingOccurrences(of: "trust,\u{201C}", with: "trust,\u{201D}")
        case 2: paragraph.replacingOccurrences(of: "every fifteen minutes", with: "every 15 minutes")
        case 4: paragraph.replacingOccurrences(of: "42 million", with: "43 million")
        default: paragraph
        }
    }.joined(separator: "\n\n")

    /// Same topic, same people and places, a different story.
    static let sameNamesOtherStory = """
        Mayor Lina Vos opened the new harbour ferry on Saturday, two weeks before the old harbour bridge closes for repairs.

        The ferry, named after the fish market it serves, can carry 120 passengers and 40 bicycles. Its crew of four was hired from the port authority, which will run the service until the bridge reopens.

        Peter Claes, whose bakery stands near the bridge, was among the first passengers. He said the crossing took six minutes and that he hoped his customers would follow him across the water.

        The council expects the ferry to carry around 5,000 people a day in summer. Tickets are free for residents with a city pass; visitors pay two euros.
        """

    /// A heavy site template: navigation, trending headlines, cookie and newsletter prose, a footer.
    /// `story` inside a local news site's page; another `outlet` differs only in its name, as the
    /// sites of one publisher do.
    static func inTemplate(_ story: String, outlet: String = "Harbourton Courier") -> String {
        """
        Home
        News
        Sport
        Culture
        Weather
        \(outlet) — your local news

        \(story)

        Trending now
        Council approves new cycling lanes along the canal ring
        Local football club promoted after dramatic final match
        Record crowds at the summer market in the old town square

        We use cookies and similar technologies to give you the best experience on the \(outlet), to measure our audience and to show you relevant advertising. By continuing to browse you agree to our use of cookies as described in our privacy statement.

        Never miss a story: the \(outlet) morning briefing brings the most important news from the region, sports results and events straight to your inbox every weekday at seven o'clock, free of charge.

        About us
        Contact
        Privacy policy
        """
    }

    /// Two short stories, different, that will share one heavy template.
    static let shortStoryA = "A fire broke out in a warehouse on the industrial estate on Sunday night. Firefighters brought it under control within two hours and nobody was injured, the fire service said."
    static let shortStoryB = "The public library will stay open until nine in the evening from next month, the council announced. The longer hours are a trial that runs until the end of the year."
    static let roadWorks = "Road works on the ring road will close two lanes near the stadium for a week. Drivers are asked to use the tunnel instead, and buses will leave five minutes earlier."
    static let beachCleanUp = "A group of volunteers cleaned up the beach north of the harbour on Saturday morning. They collected more than two hundred kilograms of plastic, most of it fishing gear."
}
