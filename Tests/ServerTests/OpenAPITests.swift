import Foundation
import Testing

/// The OpenAPI document at docs/openapi.yaml must describe every route the server registers.
@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("Every registered route (method and path) is in docs/openapi.yaml, and every documented one exists")
    func everyRouteDocumented() throws {
        let system = try TestSystem()
        let registered = Set(system.server.router().routes.map { route -> String in
            let path = route.path.description.split(separator: "/").map { segment in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }.joined(separator: "/")
            return "\(route.method.rawValue.lowercased()) /\(path)"
        })
        #expect(registered.count > 20)
        let documented = try Self.documentedOperations()
        let missing = registered.subtracting(documented).sorted()
        let stale = documented.subtracting(registered).sorted()
        #expect(missing.isEmpty, "routes missing from docs/openapi.yaml: \(missing)")
        #expect(stale.isEmpty, "documented operations the server does not register: \(stale)")
    }

    /// Reads `paths:` of the YAML document: path keys at two spaces, method keys at four.
    static func documentedOperations() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        #expect(text.hasPrefix("openapi: 3.1"))
        var operations: Set<String> = []
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line.hasPrefix("paths:"); continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path = currentPath {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if line.hasSuffix(":"), methods.contains(String(key)) { operations.insert("\(key) \(path)") }
            }
        }
        return operations
    }
}
