import Foundation

/// The attributes the extractor and the feed reader read. `HTMLNode.attribute(_:)` takes only
/// these, and `HTMLTreeBuilder` keeps only these, so the two cannot drift apart.
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

    /// The names as an HTML page's tree holds them: lower case.
    static let htmlNames: [String] = allCases.map { String(describing: $0.name).lowercased() }
}
