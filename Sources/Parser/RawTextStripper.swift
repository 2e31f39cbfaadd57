import Foundation
import Glibc

/// Empties `<script>`, `<style>` and inline `<svg>` elements and drops comments before the page
/// reaches libxml2.
///
/// None of them is ever article text, yet they are half the bytes of a typical news page (the
/// dev set: scripts and styles 41%, SVG 5%, comments 2%), and the HTML parser reads every
/// character and builds a node for every SVG path. Cutting them first saves much of the parse.
/// The scan follows the HTML rule for raw-text elements: the content ends at the first
/// `</script` (`</style`), whatever comes before. JSON-LD scripts are kept whole unless asked
/// otherwise: the metadata reader needs them.
enum RawTextStripper {
    static func strip(_ page: Data, keepingJSONLD: Bool = true) -> Data {
        page.withUnsafeBytes { raw -> Data in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return page }
            let count = raw.count
            var output = Data(capacity: count)
            var copied = 0  // bytes before this offset are in `output`
            var at = 0
            while at < count, let found = memchr(base + at, 0x3C, count - at) {
                let open = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                at = open + 1
                if open + 3 < count, base[open + 1] == 0x21, base[open + 2] == 0x2D, base[open + 3] == 0x2D {  // <!--
                    let end = commentEnd(base, count, from: open + 4)
                    output.append(base + copied, count: open - copied)
                    copied = end
                    at = end
                    continue
                }
                guard let name = rawTextElement(base, count, open + 1) else { continue }
                guard let tagEnd = find(0x3E, base, count, from: open + 1) else { break }  // '>' of the start tag
                if keepingJSONLD && name == .script && (isJSONLD(base, open, tagEnd) || isUntypedJSONLD(base, count, open, tagEnd)) {
                    at = tagEnd + 1
                    continue
                }
                let contentStart = tagEnd + 1
                let contentEnd = closingTag(name, base, count, from: contentStart) ?? count
                output.append(base + copied, count: contentStart - copied)
                copied = contentEnd
                at = contentEnd
            }
            output.append(base + copied, count: count - copied)
            return output
        }
    }

    private enum Element { case script, style, svg }

    private static let scriptName = Array("script".utf8), styleName = Array("style".utf8), svgName = Array("svg".utf8)

    /// The element when the tag name at `at` is one that is emptied (case-insensitive).
    private static func rawTextElement(_ base: UnsafePointer<UInt8>, _ count: Int, _ at: Int) -> Element? {
        if matches(scriptName, base, count, at) { return .script }
        if matches(styleName, base, count, at) { return .style }
        if matches(svgName, base, count, at) { return .svg }
        return nil
    }

    /// The offset just past the `-->` that ends a comment, or the end of the page.
    private static func commentEnd(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int {
        var at = from
        while let greaterThan = find(0x3E, base, count, from: at) {
            if greaterThan >= from + 2, base[greaterThan - 1] == 0x2D, base[greaterThan - 2] == 0x2D { return greaterThan + 1 }
            at = greaterThan + 1
        }
        return count
    }

    /// Whether `name` starts at `at`, followed by a character that ends a tag name.
    private static func matches(_ name: [UInt8], _ base: UnsafePointer<UInt8>, _ count: Int, _ at: Int) -> Bool {
        guard at + name.count < count else { return false }
        for (offset, letter) in name.enumerated() where base[at + offset] | 0x20 != letter { return false }
        let next = base[at + name.count]
        return next == 0x3E || next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D || next == 0x2F
    }

    /// Offset of the `<` of the closing tag of `element` at or after `from`.
    private static func closingTag(_ element: Element, _ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int? {
        let name = switch element {
        case .script: scriptName
        case .style: styleName
        case .svg: svgName
        }
        var at = from
        while let lessThan = find(0x3C, base, count, from: at) {
            if lessThan + 1 < count, base[lessThan + 1] == 0x2F, matches(name, base, count, lessThan + 2) { return lessThan }
            at = lessThan + 1
        }
        return nil
    }

    private static func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int? {
        guard from < count, let found = memchr(base + from, Int32(byte), count - from) else { return nil }
        return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
    }

    private static let jsonLD = Array("ld+json".utf8)

    private static func isJSONLD(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let tag = UnsafeBufferPointer(start: base + start, count: end - start)
        return ClassNames.find(jsonLD, in: ArraySlice(tag.map { $0 | 0x20 }))
    }

    private static let type = Array("type".utf8)
    private static let context = Array("\"@context\"".utf8)

    /// A `<script>` without a type whose content opens as JSON-LD does (`{"@context"`), as some
    /// CMSs (Plone) write it.
    private static func isUntypedJSONLD(_ base: UnsafePointer<UInt8>, _ count: Int, _ start: Int, _ end: Int) -> Bool {
        let tag = UnsafeBufferPointer(start: base + start, count: end - start)
        guard !ClassNames.find(type, in: ArraySlice(tag.map { $0 | 0x20 })) else { return false }
        var at = end + 1
        while at < count, base[at] == 0x20 || base[at] == 0x0A || base[at] == 0x0D || base[at] == 0x09 { at += 1 }
        guard at < count, base[at] == 0x7B else { return false }  // {
        at += 1
        while at < count, base[at] == 0x20 || base[at] == 0x0A || base[at] == 0x0D || base[at] == 0x09 { at += 1 }
        return at + context.count <= count && context.indices.allSatisfy { base[at + $0] == context[$0] }
    }
}
