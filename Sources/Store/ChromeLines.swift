/// Lines that are page chrome rather than story, told from their words (already lower case,
/// without punctuation): what one outlet adds around a syndicated story and another does not.
/// Phrases cover English, Dutch, German, French and Spanish; only short lines are tested, so a
/// story sentence that happens to contain "newsletter" stays.
enum ChromeLines {
    /// Longer lines are story whatever they contain.
    static let longestChromeLine = 20

    /// Lines up to this long that do not end as a sentence are headlines (`StoryText.Line.isHeadline`).
    static let longestHeadline = 14

    static func isChrome(_ words: UnsafeBufferPointer<UInt64>, hasCopyrightSign: Bool) -> Bool {
        if words.count <= StoryText.shortLineWords { return true }
        if hasCopyrightSign && words.count <= 25 { return true }
        guard words.count <= longestChromeLine else { return false }
        let first = words[0]
        if mayStartPhrase(first) {
            for (phrase, longest) in startIndex[first, default: []] where words.count <= longest && words.starts(with: phrase) {
                return true
            }
        }
        for position in words.indices where mayStartPhrase(words[position]) {
            for phrase in anywhereIndex[words[position], default: []] where words[position...].starts(with: phrase) {
                return true
            }
        }
        return false
    }

    /// A 4 096-bit filter of the phrases' first words: most words of a line are ruled out with one
    /// bit test instead of a dictionary lookup.
    private static let firstWordFilter: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 64)
        for word in Array(anywhereIndex.keys) + Array(startIndex.keys) {
            bits[Int(word >> 58)] |= 1 << (word & 63)
        }
        return bits
    }()

    @inline(__always)
    private static func mayStartPhrase(_ word: UInt64) -> Bool {
        firstWordFilter[Int(word >> 58)] & (1 << (word & 63)) != 0
    }

    /// The phrases as word hashes, keyed by their first word: a line is tested with one
    /// dictionary lookup per word.
    private static let anywhereIndex: [UInt64: [[UInt64]]] = Dictionary(grouping: anywhere.map(StoryText.wordHashes(of:)), by: { $0[0] })
    private static let startIndex: [UInt64: [([UInt64], Int)]] = Dictionary(
        grouping: atStart.flatMap { group in group.phrases.map { (StoryText.wordHashes(of: $0), group.longestLine) } }, by: { $0.0[0] })


    /// Phrases that make a short line chrome wherever they stand in it.
    static let anywhere = [
        "copyright", "all rights reserved", "alle rechten voorbehouden", "alle rechte vorbehalten",
        "tous droits réservés", "todos los derechos reservados",
        "share on", "share this", "share via", "delen op", "deel dit", "deel via", "teilen auf", "artikel teilen",
        "partager sur", "compartir en", "tweet this", "email this", "e mail this", "print this",
        "follow us", "volg ons", "folgen sie uns", "suivez nous", "síguenos",
        "sign up", "subscribe", "newsletter", "nieuwsbrief", "abonneer", "abonnieren", "inscrivez vous",
        "click here", "klik hier", "hier klicken", "advertisement", "advertentie", "anzeige", "publicité",
    ]

    /// Phrases that make a line chrome when it starts with them, each group up to a length.
    static let atStart: [(phrases: [String], longestLine: Int)] = [
        // Bylines and agency credits.
        (["by", "door", "von", "par", "por", "written by", "reporting by", "editing by", "additional reporting"], 10),
        // Photo and media credits.
        (["photo", "photos", "foto", "fotos", "image", "images", "bild", "picture", "credit", "illustration", "video"], 12),
        // Links onward.
        (["read more", "read also", "read next", "see also", "related", "more on", "lees meer", "lees ook",
          "lees verder", "meer over", "lesen sie auch", "mehr zum thema", "weiterlesen", "lire aussi", "leer más"], 20),
        // Time stamps.
        (["updated", "published", "posted", "bijgewerkt", "gepubliceerd", "aktualisiert", "veröffentlicht", "mis à jour"], 10),
    ]
}
