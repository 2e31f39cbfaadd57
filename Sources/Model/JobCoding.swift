import Foundation

// The JSON forms of the job types, as the API and the queue's stored follow-ons carry them.

extension Payload: Codable {
    private enum CodingKeys: String, CodingKey { case metadata, body }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(metadata: try container.decode(Data.self, forKey: .metadata), body: try container.decode(Data.self, forKey: .body))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(body, forKey: .body)
    }
}

extension FollowOn: Codable {
    private enum CodingKeys: String, CodingKey { case type, stage, payload, url, kind, priority, at }
    private enum Kind: String, Codable { case next, discovered, refetch, unchanged }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .type) {
        case .next:
            self = .next(try container.decode(Stage.self, forKey: .stage), payload: try container.decode(Payload.self, forKey: .payload))
        case .discovered:
            self = .discovered(url: try container.decode(String.self, forKey: .url),
                               kind: try container.decodeIfPresent(URLKind.self, forKey: .kind) ?? .auto,
                               priority: try container.decodeIfPresent(Int.self, forKey: .priority) ?? 0)
        case .refetch:
            self = .refetch(at: try container.decode(Date.self, forKey: .at))
        case .unchanged:
            self = .unchanged
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .next(let stage, let payload):
            try container.encode(Kind.next, forKey: .type)
            try container.encode(stage, forKey: .stage)
            try container.encode(payload, forKey: .payload)
        case .discovered(let url, let kind, let priority):
            try container.encode(Kind.discovered, forKey: .type)
            try container.encode(url, forKey: .url)
            try container.encode(kind, forKey: .kind)
            try container.encode(priority, forKey: .priority)
        case .refetch(let at):
            try container.encode(Kind.refetch, forKey: .type)
            try container.encode(at, forKey: .at)
        case .unchanged:
            try container.encode(Kind.unchanged, forKey: .type)
        }
    }
}

extension Settlement: Codable {
    public init(from decoder: Decoder) throws {
        switch try decoder.singleValueContainer().decode(String.self) {
        case "accepted": self = .accepted
        case "stale-lease": self = .staleLease
        case let other:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown settlement \(other)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self == .accepted ? "accepted" : "stale-lease")
    }
}

