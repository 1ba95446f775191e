import EnvProtocol
import EnvSchema
import Foundation
import Testing

/// `Fixtures/pydantic-fixtures.json`, written by `Fixtures/generate.py` from real pydantic
/// models: each schema as pydantic (or FastMCP) publishes it, and instances with pydantic's
/// own verdict.
struct PydanticFixtures: Sendable {
    struct Instance: Sendable, CustomStringConvertible {
        /// The instance as JSON text, exactly as written in generate.py.
        var text: String
        var value: JSONValue
        /// What the server does with it (`model_validate` on the parsed JSON, or a FastMCP call).
        var valid: Bool
        var note: String?
        var description: String { text }
    }

    struct Model: Sendable, CustomTestStringConvertible {
        var name: String
        var schema: JSONValue
        var instances: [Instance]
        var testDescription: String { name }
    }

    var models: [Model]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures"
    )

    static let shared: PydanticFixtures = {
        do {
            return try load()
        } catch {
            fatalError("cannot read \(directory.path)/pydantic-fixtures.json: \(error)")
        }
    }()

    static func load() throws -> PydanticFixtures {
        let data = try Data(contentsOf: directory.appendingPathComponent("pydantic-fixtures.json"))
        let document = try JSONCoding.parse(data)
        var models: [Model] = []
        for model in document["models"]?.arrayValue ?? [] {
            var instances: [Instance] = []
            for instance in model["instances"]?.arrayValue ?? [] {
                let text = instance["json"]?.stringValue ?? ""
                instances.append(
                    Instance(
                        text: text,
                        value: try JSONCoding.parse(text),
                        valid: instance["valid"]?.boolValue ?? false,
                        note: instance["note"]?.stringValue
                    )
                )
            }
            models.append(
                Model(name: model["name"]?.stringValue ?? "?", schema: model["schema"] ?? .null, instances: instances)
            )
        }
        return PydanticFixtures(models: models)
    }
}
