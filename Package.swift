// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Triage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "triage-agent", targets: ["triage-agent"]),
        .executable(name: "triage", targets: ["triage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // 4.x: its Crypto imports FoundationEssentials, not Foundation (3.x brought Foundation into the agent).
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // Micro benchmarks only (Benchmarks/TriageMicro); Linux on Swift 6.3 needs the trait named.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // libssh2 from the system (Debian: libssh2-1-dev). Only TriageSSH imports it.
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]
        ),
        // OpenSSL's libssl from the system (Debian: libssl-dev; libssh2 loads its libcrypto anyway):
        // the TLS of the agent's HTTP client. Only TriageHTTP imports it.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "TriageHTTP", dependencies: ["COpenSSL"]),
        // libyaml from the system (Debian: libyaml-dev): the agent reads YAML without Yams, whose
        // Foundation (with ICU) would cost every client machine several MiB. Only TriageYAML imports it.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "TriageYAML", dependencies: ["CLibYAML"]),
        .target(name: "TriageSSH", dependencies: ["CLibSSH2", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "TriageModel"),
        .target(name: "TriageChecks", dependencies: ["TriageModel", "TriageSSH", "TriageYAML"]),
        .target(
            name: "TriageAgent",
            // No server stack (no NIO, no database), no Foundation, no swift-log or ServiceLifecycle:
            // what the push agent links, every client machine holds in memory (docs/agent.md, "Memory").
            dependencies: ["TriageSSH", "TriageChecks", "TriageModel", "TriageHTTP", "TriageYAML"]
        ),
        .executableTarget(
            name: "triage-agent",
            dependencies: [
                "TriageAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The coordinator in layers the compiler keeps (docs/ARCHITECTURE.md, "Modules"): the domain
        // knows no SQL and no HTTP; storage is the only place with SQL; the API and the board call the
        // domain and cannot reach the store; TriageCoordinator composes them into the server.
        .target(
            name: "TriageDomain",
            dependencies: [
                "TriageModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                // Bcrypt runs on NIO's thread pool, off the event loops.
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.embedInCode("Access/common-passwords.txt")]
        ),
        .target(
            name: "TriageStorage",
            dependencies: [
                "TriageDomain",
                "TriageModel",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the API and the board share at the HTTP edge: the request context, bodies, queries,
        // middleware, metrics and the job bell.
        .target(
            name: "TriageEdge",
            dependencies: [
                "TriageDomain",
                "TriageModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TriageAPI",
            dependencies: ["TriageDomain", "TriageEdge", "TriageModel", .product(name: "Hummingbird", package: "hummingbird")],
            resources: [.embedInCode("openapi.yaml")]
        ),
        .target(
            name: "TriageBoard",
            dependencies: [
                "TriageDomain",
                "TriageEdge",
                "TriageModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The board's templates and stylesheet are compiled into the binary: one file to deploy.
            resources: [.embedInCode("Templates")]
        ),
        // SMTP and sendmail: the outbox's ways out (the domain's `MailTransport`).
        .target(
            name: "TriageMailTransport",
            dependencies: [
                "TriageDomain",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TriageCoordinator",
            dependencies: [
                "TriageModel",
                "TriageDomain",
                "TriageStorage",
                "TriageEdge",
                "TriageAPI",
                "TriageBoard",
                "TriageMailTransport",
                "TriageHTTP",
                "Yams",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "triage",
            dependencies: [
                "TriageCoordinator",
                "TriageDomain",
                "TriageStorage",
                // The mailgate posts mail with the agent's small HTTP client: an MTA pipe starts it for every message.
                "TriageHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "BenchmarkSupport",
            dependencies: ["TriageCoordinator", "TriageDomain", "TriageStorage", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/BenchmarkSupport"
        ),
        // Benchmarks/assignment.sh runs it on the release build.
        .executableTarget(
            name: "assignment-benchmark",
            dependencies: ["TriageCoordinator", "TriageDomain", "TriageStorage", "BenchmarkSupport"],
            path: "Benchmarks/AssignmentBenchmark"
        ),
        // Benchmarks/visits.sh runs it on the release build.
        .executableTarget(
            name: "visit-benchmark",
            dependencies: ["TriageCoordinator", "TriageDomain", "TriageStorage", "BenchmarkSupport"],
            path: "Benchmarks/VisitBenchmark"
        ),
        // Benchmarks/search.sh runs it on the release build.
        .executableTarget(
            name: "search-benchmark",
            dependencies: [
                "TriageCoordinator", "TriageDomain", "TriageStorage", "BenchmarkSupport", .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SearchBenchmark"
        ),
        // ordo-one micro benchmarks: parsers and an assignment decision (`swift package benchmark`).
        .executableTarget(
            name: "TriageMicro",
            dependencies: [
                "TriageChecks", "TriageCoordinator", "TriageDomain", "TriageStorage", "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TriageMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Benchmarks/ingest/: the bare endpoint the coordinator's report ingest is measured against.
        .executableTarget(
            name: "ingest-limit",
            dependencies: ["TriageModel", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/IngestLimit"
        ),
        // Real sshd, ssh-keygen and ssh-agent for the integration tests.
        .target(name: "TestSupport", dependencies: ["TriageChecks"], path: "Tests/TestSupport"),
        .testTarget(name: "TriageSSHTests", dependencies: ["TriageSSH", "TestSupport"]),
        .testTarget(name: "TriageModelTests", dependencies: ["TriageModel"]),
        .testTarget(name: "TriageYAMLTests", dependencies: ["TriageYAML"]),
        .testTarget(name: "TriageHTTPTests", dependencies: ["TriageHTTP", "TriageSSH", "TestSupport"]),
        .testTarget(name: "TriageChecksTests", dependencies: ["TriageChecks", "TriageSSH", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TriageAgentTests", dependencies: ["TriageAgent", "TestSupport"]),
        .testTarget(
            name: "TriageCoordinatorTests",
            dependencies: [
                "TriageCoordinator", "TriageDomain", "TriageStorage", "TriageEdge", "TriageAPI", "TriageBoard", "TriageMailTransport",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // The tests play the authenticator app.
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
