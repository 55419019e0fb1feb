import Foundation
import Logging
import NIOSSL
import PostgresNIO
import TriageDomain

/// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]` URL,
/// as libpq and every PostgreSQL tool spell it.
package struct PostgresLocation: Sendable {
    package enum TLSMode: String, Sendable { case disable, prefer, require }

    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    package var tls: TLSMode

    package init(url: String) throws {
        func bad(_ why: String) -> CoordinatorError {
            CoordinatorError(
                .configuration,
                "--database \(Self.redacted(url)): \(why) "
                    + "(expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require])")
        }
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? "") else {
            throw bad("not a PostgreSQL URL")
        }
        guard let host = parts.host, !host.isEmpty else { throw bad("no host") }
        guard let user = parts.user, !user.isEmpty else { throw bad("no user") }
        let database = String(parts.path.dropFirst())
        guard !database.isEmpty, !database.contains("/") else { throw bad("no database name") }
        var tls = TLSMode.prefer
        for item in parts.queryItems ?? [] {
            switch item.name.lowercased() {
            case "sslmode", "tlsmode":
                switch item.value?.lowercased() {
                case "disable": tls = .disable
                case "prefer", "allow": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw bad("sslmode '\(item.value ?? "")' is not disable, prefer or require")
                }
            default: throw bad("unknown parameter '\(item.name)'")
            }
        }
        (self.host, self.port, self.user, self.password, self.database, self.tls) =
            (host, parts.port ?? 5432, user, parts.password, database, tls)
    }

    /// The URL with its password replaced, for messages and logs.
    package static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }

    package var description: String { "PostgreSQL \(user)@\(host):\(port)/\(database)" }

    /// One connection, to check the server is there and say why not before the pool starts (the
    /// pool itself retries quietly, with back-off, for a minute or more).
    package func probe(logger: Logger) async throws {
        let tlsConfiguration: PostgresConnection.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsConfiguration)
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }

    package func clientConfiguration(maxConnections: Int) -> PostgresClient.Configuration {
        let tlsConfiguration: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsConfiguration)
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
