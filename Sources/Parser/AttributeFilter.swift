import Foundation
import Glibc

/// The attributes the extractor and the feed reader read. `HTMLNode.attribute(_:)` takes only
/// these, and `AttributeFilter` keeps only these, so the two cannot drift apart.
enum Attribute: CaseIterable {
    case about, `class`, content, datetime, hidden, href, httpEquiv, id, isPermaLink, itemprop, lang, name
    case property, pubdate, rel, role, style, title, type, xmlLang

    /// The name as libxml2 stores it (HTML attribute names are lower case; feeds keep theirs).
    var name: StaticString {
        switch self {
        case .about: "about"
        case .class: "class"
        case .content: "content"
        case .datetime: "datetime"
        case .hidden: "hidden"
        case .href: "href"
        case .httpEquiv: "http-equiv"
        case .id: "id"
        case .isPermaLink: "isPermaLink"
        case .itemprop: "itemprop"
        case .lang: "lang"
        case .name: "name"
        case .property: "property"
        case .pubdate: "pubdate"
        case .rel: "rel"
        case .role: "role"
        case .style: "style"
        case .title: "title"
        case .type: "type"
        case .xmlLang: "xml:lang"
        }
    }

    /// Lower-case names, for matching the page's bytes.
    fileprivate static let lowerCaseNames: [[UInt8]] = allCases.map { attribute in
        UnsafeBufferPointer(start: attribute.name.utf8Start, count: attribute.name.utf8CodeUnitCount).map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }
}

/// Keeps, of every start tag, only the attributes in `Attribute` and at most `limit` of them,
/// before libxml2 sees the page.
///
/// Every attribute costs libxml2's parser a copy of its name and value and two allocations, and
/// most of a news page's are never read (`data-*`, `srcset`, `aria-*`, event handlers): after
/// `RawTextStripper` they are about 15% of the dev set's bytes, and dropping them saves about a
/// tenth of `parser extract`'s time (measured over the 990 pages). The cap guards libxml2 2.9,
/// which checks each attribute of an element against all that came before it: one tag with
/// 40 000 attributes takes 10 s, 300 000 over a minute.
///
/// Tags whose name or attribute names are not plain names are left as they are, so libxml2's
/// own recovery sees the same bytes; JSON-LD script contents are skipped.
enum AttributeFilter {
    static let defaultLimit = 256

    static func filter(_ page: Data, limit: Int = defaultLimit) -> Data {
        MarkupPass.rewrite(page) { base, count, open, drop in
            guard open + 1 < count, isLetter(base[open + 1]) else { return open + 1 }
            let end = scanTag(base, count, from: open + 1, limit: limit, drop: drop)
            guard end < count, let element = RawTextStripper.rawTextElement(base, count, open + 1) else { return end }
            return RawTextStripper.closingTag(element, base, count, from: end) ?? count
        }
    }

    /// Scans the tag whose name starts at `from`, calling `drop` with each byte range to leave
    /// out, and returns the offset after its `>` (or the page's end).
    private static func scanTag(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int, limit: Int, drop: (Int, Int) -> Void) -> Int {
        var at = from
        while at < count, isNameByte(base[at]) { at += 1 }
        // Once the tag stops being plain (a stray `<`, a `/` inside it), the rest stays as it is.
        var plain = at < count && (isSpace(base[at]) || base[at] == 0x3E || base[at] == 0x2F)
        while at < count, !isSpace(base[at]), base[at] != 0x3E, base[at] != 0x2F { at += 1 }
        var kept = 0
        var cutFrom: Int?  // the first attribute over the limit: from there to the tag's end goes
        while at < count {
            let byte = base[at]
            if byte == 0x3E {
                if let cutFrom { drop(cutFrom, at) }
                return at + 1
            }
            if isSpace(byte) || byte == 0x2F {
                if byte == 0x2F, at + 1 < count, base[at + 1] != 0x3E { plain = false }
                at += 1
                continue
            }
            // An attribute: its name, then optionally `=` and a value.
            let start = at
            while at < count, !isSpace(base[at]), base[at] != 0x3E, base[at] != 0x3D, base[at] != 0x2F { at += 1 }
            let nameEnd = at
            at = valueEnd(base, count, from: at)
            guard cutFrom == nil else { continue }
            if !isPlainName(base, start, nameEnd) { plain = false }
            let wanted = !plain || isKept(base, start, nameEnd)
            if wanted { kept += 1 }
            if kept > limit {
                cutFrom = start
            } else if !wanted {
                drop(start, at)
            }
        }
        if let cutFrom { drop(cutFrom, count) }
        return count
    }

    /// The offset after an attribute's `= value`, if `from` (just after its name) starts one.
    private static func valueEnd(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int {
        var at = from
        while at < count, isSpace(base[at]) { at += 1 }
        guard at < count, base[at] == 0x3D else { return from }
        at += 1
        while at < count, isSpace(base[at]) { at += 1 }
        guard at < count else { return count }
        let quote = base[at]
        if quote == 0x22 || quote == 0x27 {
            guard let close = memchr(base + at + 1, Int32(quote), count - at - 1) else { return count }
            return UnsafeRawPointer(close).assumingMemoryBound(to: UInt8.self) - base + 1
        }
        while at < count, !isSpace(base[at]), base[at] != 0x3E { at += 1 }
        return at
    }

    /// Whether the name is one of `Attribute`'s; `| 0x20` lowers letters and leaves every other
    /// byte of a plain name as it is.
    private static func isKept(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        return Attribute.lowerCaseNames.contains { name in
            name.count == length && name.indices.allSatisfy { base[start + $0] | 0x20 == name[$0] }
        }
    }

    /// A name as libxml2 reads one: a letter, `_` or `:`, then letters, digits, `-`, `_`, `:`, `.`.
    private static func isPlainName(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end, isLetter(base[start]) || base[start] == 0x5F || base[start] == 0x3A else { return false }
        return (start + 1..<end).allSatisfy { isNameByte(base[$0]) }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F || byte == 0x3A || byte == 0x2E
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }
}
