import JupyterProtocol

extension Connection {
    /// The connection with every `{{runtime_env:NAME}}` in its fields and
    /// secrets replaced, for one use. The stored connection keeps the
    /// placeholders.
    public func resolved(environment: [String: String]) throws(RuntimeEnvTemplate.Failure) -> Connection {
        var copy = self
        for (key, value) in fields {
            copy.fields[key] = try Self.resolve(value, environment)
        }
        for (key, value) in secrets {
            copy.secrets[key] = try RuntimeEnvTemplate.render(value, environment: environment)
        }
        try ConnectionSchema.settleResolved(&copy, stored: self)
        return copy
    }

    private static func resolve(_ value: JSONValue, _ environment: [String: String]) throws(RuntimeEnvTemplate.Failure) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(try RuntimeEnvTemplate.render(text, environment: environment))
        case .object(let object):
            var resolved: [String: JSONValue] = [:]
            for (key, item) in object { resolved[key] = try resolve(item, environment) }
            return .object(resolved)
        default:
            return value
        }
    }
}
