import Foundation
import Queue

/// Keeps the blocks of a body that read as article prose.
///
/// What goes: link lists (most of the block is link text), blocks repeated verbatim, the short
/// interface phrases that sit inside article containers in every language the pipeline meets
/// ("Share", "Advertisement", "Lesen Sie auch"), non-prose blocks at the end ("More
/// information", "Contact:"), and blocks the host's other pages show to be boilerplate.
enum BlockFilter {
    /// Whole-block phrases (lower case, trailing punctuation removed) that are interface text.
    static let interfacePhrases: Set<String> = [
        "share", "share this", "share this article", "share on facebook", "share on twitter", "tweet", "email", "print",
        "advertisement", "anzeige", "werbung", "publicité", "advertentie", "read more", "mehr lesen", "weiterlesen", "lees meer",
        "continue reading", "related", "related articles", "related stories", "more on this story", "comments", "kommentare",
        "leave a reply", "leave a comment", "teilen", "artikel teilen", "drucken", "zum thema", "mehr zum thema", "lesen sie auch",
        "das könnte sie auch interessieren", "auch interessant", "follow us", "subscribe", "sign up", "newsletter", "back to top",
        "nach oben", "top", "image", "photo", "foto", "bild", "video", "loading", "click here", "hier klicken", "close", "schließen",
    ]

    /// A block that reads as a sentence: long enough, or ending as sentences end.
    static func isProse(_ block: TextBlock) -> Bool {
        guard block.kind != .heading else { return false }
        if block.length >= 80 { return true }
        guard let last = block.text.last else { return false }
        return block.length >= 25 && ".!?…\"“”»«'’)।。！？؟".contains(last)
            && (block.text.utf8.contains(0x20) || block.text.unicodeScalars.contains { $0.value >= 0x3000 })  // CJK writes no spaces
    }

    /// The fingerprint a block is recorded under to learn a host's recurring blocks; only blocks
    /// of boilerplate length (long paragraphs are article text, and would only grow the table).
    static func fingerprint(_ block: TextBlock) -> Int64? {
        (10...400).contains(block.text.utf8.count) ? StableHash.of(block.text) : nil
    }

    /// The prose blocks of `blocks`; blocks known as the host's boilerplate are dropped too.
    /// A dateline or timestamp on its own ("18. June 2019", "20.12.2022 | 14:05", "Posted on
    /// March 3, 2020"): short, with a year, and few words besides.
    static func isDateLine(_ block: TextBlock) -> Bool {
        let text = block.text
        guard block.length <= 40, hasYear(text) else { return false }
        let words = text.split { !$0.isLetter }.filter { $0.count > 2 }
        return words.count <= 3
    }

    /// Whether the text holds four digits starting 19 or 20.
    static func hasYear(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        guard digits.count >= 4 else { return false }
        for index in 0...(digits.count - 4) {
            let (a, b, c, d) = (digits[index], digits[index + 1], digits[index + 2], digits[index + 3])
            if (a == 0x31 && b == 0x39 || a == 0x32 && b == 0x30) && (0x30...0x39).contains(c) && (0x30...0x39).contains(d) { return true }
        }
        return false
    }

    /// Beginnings of photo-credit and source lines ("Foto: dpa", "(Quelle: Unsplash)", "© Reuters").
    static let creditPrefixes = [
        "foto:", "fotos:", "photo:", "photos:", "bild:", "bilder:", "beeld:", "image:", "quelle:", "(quelle:", "source:",
        "credit:", "credits:", "©", "(c)", "(foto:", "(photo:", "(bild:", "copyright", "bildquelle:", "fotocredit:",
        "abbildung:", "abb.:", "grafik:", "illustration:", "bildnachweis:",
    ]

    /// Share prompts in the languages the pipeline meets ("Diesen Artikel teilen", "Share this:").
    static let shareWords = ClassNames.bytes(["share", "teilen", "partager", "compartir", "delen", "condividi", "udostępnij", "sdílet"])

    /// A short line asking to share the article.
    static func isSharePrompt(_ block: TextBlock) -> Bool {
        guard block.length <= 50 else { return false }
        let lower = Array(block.text.lowercased().utf8)[...]
        return shareWords.contains { ClassNames.find($0, in: lower) }
    }

    /// Picture agencies: a short line naming one is a credit ("Getty Images", "Foto: AFP").
    static let pictureAgencies = ClassNames.bytes(["getty images", "imago", "shutterstock", "istock", "picture alliance", "picture-alliance", "keystone", "unsplash", "pixabay"])

    /// A credit line on its own: short and starting like one.
    static func isCreditLine(_ block: TextBlock) -> Bool {
        guard block.length <= 100 else { return false }
        let start = block.text.prefix(16).lowercased()
        if creditPrefixes.contains(where: { start.hasPrefix($0) }) { return true }
        guard block.length <= 60 else { return false }
        let lower = Array(block.text.lowercased().utf8)[...]
        return pictureAgencies.contains { ClassNames.find($0, in: lower) }
    }

    static func prose(_ blocks: [TextBlock], boilerplate: Set<Int64> = []) -> [TextBlock] {
        var seen = Set<String>()
        var kept: [TextBlock] = []
        let linkDense = blocks.map { $0.linkDensity > 0.5 }
        for (index, block) in blocks.enumerated() {
            if !boilerplate.isEmpty, let fingerprint = fingerprint(block), boilerplate.contains(fingerprint) { continue }
            // Link lists and "Read more: …" lines go; a long paragraph that is mostly links,
            // between paragraphs of prose, is part of the story.
            let inProse = index > 0 && index < blocks.count - 1 && !linkDense[index - 1] && !linkDense[index + 1]
            let storyParagraph = block.kind == .paragraph && inProse && block.length >= 150
            if linkDense[index] && block.kind != .heading && !storyParagraph {
                // The heading of a link list ("Read also", "Mehr zum Thema") goes with the list.
                if kept.last?.kind == .heading && index > 0 && blocks[index - 1].kind == .heading { kept.removeLast() }
                continue
            }
            if block.kind == .heading && block.linkDensity > 0.8 { continue }
            if isDateLine(block) || isCreditLine(block) || isSharePrompt(block) { continue }
            if block.text.utf8.count < 60 {
                let phrase = block.text.lowercased().trimmingCharacters(in: CharacterSet.punctuationCharacters.union(.whitespaces))
                if interfacePhrases.contains(phrase) { continue }
            }
            if block.length > 20 && !seen.insert(block.text).inserted { continue }
            kept.append(block)
        }
        // The end of a body is where chrome hides: "More information", "Contact:" or a photo
        // credit after the last paragraph.
        // Short lines written with the story's last paragraph (a signature, "390 kcal") stay.
        let storyContainer = kept.last(where: isProse)?.container
        while let last = kept.last, !isProse(last), storyContainer == nil || last.container != storyContainer { kept.removeLast() }
        return kept
    }
}
