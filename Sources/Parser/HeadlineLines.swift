/// The text of a post without prose of its own — a picture, a video, a link with a line about
/// it: the lines around its headline. That is the date line just above the headline, the
/// headline, and the byline, credit and caption lines under it, up to the next heading or a line
/// of links.
///
/// Such posts are common on blogs and in news galleries. Without this the extractor returns
/// nothing for them, or the one paragraph the page has: usually a sidebar's "about me", which
/// is worse than nothing.
enum HeadlineLines {
    /// At most this many lines are taken under the headline, and at most this many characters
    /// in all: a post with more has a body, which the body finder has its own ways to find.
    static let maximumLines = 4
    static let maximumLength = 400

    /// The lines around the first heading of `blocks` (a whole cleaned page, in order) that
    /// shows `title`, for a page whose body, little or nothing, is `body`. Nil when no heading
    /// shows the title, or when the body comes after the headline: then it is the post's own
    /// short text. A body above the headline is a sidebar's or a header's. Nil too when the
    /// headline has no line with it.
    static func lines(in blocks: [TextBlock], title: String, siteName: String?, body: [TextBlock]) -> [TextBlock]? {
        guard let at = blocks.firstIndex(where: { $0.kind == .heading && shows(title, heading: $0.text, siteName: siteName) }) else { return nil }
        if let first = body.first, blocks[at...].contains(where: { $0.text == first.text }) { return nil }
        var lines: [TextBlock] = []
        if at > 0, isDateAbove(blocks[at - 1]) { lines.append(blocks[at - 1]) }
        lines.append(blocks[at])
        var length = BlockFilter.length(of: lines)
        var under = 0
        for block in blocks[(at + 1)...] {
            guard block.kind != .heading, block.linkDensity <= 0.9, under < maximumLines,
                  length + block.length <= maximumLength else { break }
            if let phrase = BlockFilter.phrase(of: block) {
                if BlockFilter.isCommentsTitle(phrase) || BlockFilter.isEndMatterTitle(phrase) { break }
                if BlockFilter.interfacePhrases.contains(phrase) { continue }
            }
            if BlockFilter.isSharePrompt(block) { continue }
            lines.append(block)
            length += block.length
            under += 1
        }
        return lines.count > 1 ? lines : nil  // a headline alone is no text
    }

    /// A date heading above a headline ("6 Nov 2012", "Sunday, September 9"): short, with a
    /// number, not a link. Looser than `BlockFilter.isDateLine`, which wants a year: a blog's
    /// date header often leaves it out.
    static func isDateAbove(_ block: TextBlock) -> Bool {
        block.length <= 40 && block.linkDensity <= 0.5 && block.text.contains(where: \.isNumber)
            && block.text.split(whereSeparator: \.isWhitespace).count <= 5
    }

    /// Whether a heading shows the page's title: the same words, or the title is the heading
    /// and a site name joined to it ("Site: Headline", "Headline | Site"). A heading of one word,
    /// or the site's name, is taken only for the whole title: it is more often the site's logo.
    static func shows(_ title: String, heading: String, siteName: String?) -> Bool {
        let title = folded(title), heading = folded(heading)
        guard !heading.isEmpty else { return false }
        if title == heading { return true }
        guard heading.contains(" "), heading != siteName.map(folded) else { return false }
        if title.hasSuffix(heading) { return joined(title.dropLast(heading.count).reversed()) }
        if title.hasPrefix(heading) { return joined(title.dropFirst(heading.count)) }
        return false
    }

    /// Whether the rest of a title, read from the headline outwards, starts with a separator.
    private static func joined(_ rest: some Sequence<Character>) -> Bool {
        guard let first = rest.first(where: { $0 != " " }) else { return false }
        return ":|-–—·»«/•~".contains(first)
    }

    private static func folded(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
