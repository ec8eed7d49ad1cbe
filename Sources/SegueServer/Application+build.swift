import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import SegueJobs
import SegueKafka
import SegueLive
import SegueStore
import SegueStores
import ServiceLifecycle

/// The stores job work needs, from the process's stores.
struct JobStores {
    var plays: any PlayStore
    var jobs: any JobStore
    var playlists: any SavedPlaylistStore
    var shares: any RecapShareStore
    var web: any SessionStore & FeedbackStore & ProfilePreferenceStore
    var libraries: LibraryLocation

    init(_ stores: Stores) throws {
        let web = try stores.web()
        plays = try stores.plays()
        jobs = web.jobs
        playlists = web.playlists
        shares = web.shares
        self.web = web.sessions
        libraries = LibraryLocation(stores.libraries)
    }

    /// The handler of every job kind.
    func handlers(configuration: ServerConfiguration, cache: ChartCache, now: @escaping @Sendable () -> Int64) -> [String: any JobHandler] {
        [
            ImportParameters.kind: ImportJobHandler(plays: plays, configuration: configuration, cache: cache),
            RenderParameters.kind: RenderJobHandler(plays: plays, configuration: configuration),
            RecapVideoParameters.kind: RecapVideoJobHandler(plays: plays, configuration: configuration),
            AnalyzeParameters.kind: AnalyzeJobHandler(configuration: configuration, libraries: libraries),
            PlaybackParameters.kind: PlaybackJobHandler(libraries: libraries),
            PushPlaylistParameters.kind: PushPlaylistJobHandler(configuration: configuration, playlists: playlists, libraries: libraries, now: now),
            RefreshPlaylistParameters.kind: RefreshPlaylistJobHandler(
                configuration: configuration, playlists: playlists, plays: plays, libraries: libraries, now: now),
        ]
    }
}

/// The worker pool of a `segue worker` process: only what jobs need (no sessions, no live view).
/// `onProfileChanged` hears the profiles an import changed (a supervised worker tells its server,
/// whose chart cache must forget them). `stores`: the process's (opened here if nil).
public func makeWorkerPool(
    configuration: ServerConfiguration, environment: ServerEnvironment = .live, workerID: String? = nil, logger: Logger,
    oneJobPerOwnerEverywhere: Bool = false, onProfileChanged: (@Sendable (String) -> Void)? = nil, stores opened: Stores? = nil
) throws -> WorkerPool {
    let stores = try JobStores(try opened ?? openStores(configuration: configuration, logger: logger))
    let cache = ChartCache(lifetimeMillis: 0, now: environment.now, onInvalidate: onProfileChanged)
    let pool = WorkerPool(
        store: stores.jobs, handlers: stores.handlers(configuration: configuration, cache: cache, now: environment.now),
        concurrency: configuration.workers,
        perOwnerLimit: configuration.jobsPerSession, clock: environment.now, makeID: environment.randomID,
        workerID: workerID ?? WorkerPool.makeWorkerID(), leaseMillis: configuration.jobLeaseMillis, logger: logger)
    pool.oneJobPerOwnerEverywhere = oneJobPerOwnerEverywhere
    return pool
}

/// The scheduler of a `segue worker` (which has no `ServerDependencies`): the stores of
/// `configuration` (the process's `stores`, opened here if nil), the clock of `environment`.
public func makePlaylistRefreshService(
    configuration: ServerConfiguration, environment: ServerEnvironment = .live, logger: Logger, stores opened: Stores? = nil
) throws -> PlaylistRefreshService {
    let stores = try JobStores(try opened ?? openStores(configuration: configuration, logger: logger))
    return PlaylistRefreshService(
        scheduler: PlaylistRefreshScheduler(playlists: stores.playlists, jobs: stores.jobs, now: environment.now), logger: logger)
}

/// The stores of a process for `configuration`: its one connection pool on a shared database.
public func openStores(configuration: ServerConfiguration, logger: Logger) throws -> Stores {
    let stores = try Stores(dataDirectory: configuration.dataDirectory, database: configuration.database, logger: logger)
    if stores.isShared {
        logger.notice(
            "every store on PostgreSQL (plays, jobs, sessions, feedback, libraries, saved playlists, ListenBrainz users and listens, ingest tokens, live events); uploaded and rendered files in the data folder, which every node must share",
            metadata: ["database": "\(stores.location)"])
    }
    return stores
}

/// Opens the stores and the worker pool for `configuration`.
public func makeDependencies(
    configuration: ServerConfiguration, environment: ServerEnvironment = .live, logger: Logger
) throws -> ServerDependencies {
    let opened = try openStores(configuration: configuration, logger: logger)
    let stores = try JobStores(opened)
    let plays = stores.plays
    let jobs = stores.jobs
    let playlists = stores.playlists
    let web = stores.web
    let libraries = stores.libraries
    let changes = opened.changeFeed()
    // On PostgreSQL another node (a worker's import) may change a profile without this node knowing:
    // no cached answers; the play store keeps the decoded columns while their generation is unchanged.
    let cache = ChartCache(lifetimeMillis: configuration.database == nil ? 60_000 : 0, now: environment.now)
    // With worker processes, this process runs no jobs: its pool only submits and cancels.
    let pool = WorkerPool(
        store: jobs, handlers: stores.handlers(configuration: configuration, cache: cache, now: environment.now),
        concurrency: configuration.workerProcesses == nil ? configuration.workers : 0, perOwnerLimit: configuration.jobsPerSession,
        clock: environment.now, makeID: environment.randomID, leaseMillis: configuration.jobLeaseMillis, logger: logger)
    let supervisor = configuration.workerProcesses.map { options in
        WorkerSupervisor(options: options, store: jobs, now: environment.now, logger: logger) { profile in
            cache.invalidate(profile: profile)
        }
    }
    let sessions = SessionManager(
        sessions: web, plays: plays, playlists: playlists, shares: stores.shares, pool: pool, configuration: configuration, environment: environment,
        cache: cache, logger: logger, libraries: libraries,
        secret: try SessionSecret.load(dataDirectory: configuration.dataDirectory))
    let now = environment.now
    // After a restart the windows are rebuilt from what the store holds for the longest window
    // (listens and bulk events of the last 24 hours).
    let since = now() - Int64(LiveHub.windowChoices.max()!) * 1000
    var restoration = LiveHub.Restoration(now: now(), allowedLatenessSeconds: configuration.liveLatenessSeconds)
    let add: (RecentPlay) -> Void = {
        restoration.add(LiveEvent(user: $0.user, track: $0.track, artist: $0.artist, timeMilliseconds: $0.time))
    }
    // On a shared database other nodes' events reach this node's windows through the live feed;
    // it skips the batches the restoration read (same snapshot).
    let (listens, feed) = try opened.liveListens(since: since, now: now, add)
    let live = LiveHub(restored: restoration, now: now)
    // The node that stores a Kafka batch counts it here; other nodes hear of it through the live feed
    // (PostgreSQL), as for a batch posted over HTTP.
    let kafka = try configuration.kafka.map { options in
        try KafkaEventSource(options: options, events: listens, now: now, logger: logger) { await live.ingest($0) }
    }
    return ServerDependencies(
        configuration: configuration, environment: environment, plays: plays, feedback: web, playlists: playlists, shares: stores.shares,
        pool: pool,
        sessions: sessions, cache: cache, listens: listens, events: listens, live: live, libraries: libraries,
        pacing: StreamPacing(changes: changes), liveFeed: feed, supervisor: supervisor, kafka: kafka,
        uploadQuota: UploadQuota(maxBytes: configuration.maxSessionUploadBytes, maxFiles: configuration.maxSessionUploadFiles),
        preferences: web)
}

/// The Kafka source of a `segue worker` (`--kafka-brokers`): stores into the data folder's or
/// `--database`'s events; web nodes on the same PostgreSQL count them through their live feed.
/// `stores`: the process's (opened here if nil).
public func makeKafkaWorker(
    configuration: ServerConfiguration, environment: ServerEnvironment = .live, logger: Logger, stores: Stores? = nil
) throws -> KafkaEventSource? {
    guard let options = configuration.kafka else { return nil }
    let events = try (stores ?? openStores(configuration: configuration, logger: logger)).listens().store
    return try KafkaEventSource(options: options, events: events, now: environment.now, logger: logger)
}

/// The router with every page and API route; tests drive it directly (`app.test(.router)`).
public func buildRouter(_ deps: ServerDependencies, registry: PrometheusCollectorRegistry? = nil) -> Router<AppRequestContext> {
    let configuration = deps.configuration
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(hsts: configuration.isBehindTLS))
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(
        middleware: StreamLimitMiddleware(
            limiter: StreamLimiter(perHolder: configuration.maxStreamsPerSession, total: configuration.maxStreams)))
    router.get("healthz") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    if configuration.metrics == .main { addMetricsRoute(to: router, registry: registry) }
    Assets.register(on: router)
    // The ListenBrainz-compatible API lives at the root (`/1/…`), with token authentication instead
    // of a session: scrobblers are API clients, not browsers.
    let now = deps.environment.now
    ListenBrainzController(
        listens: deps.listens, hub: deps.live, plays: deps.plays, cache: deps.cache,
        singleUserProfile: configuration.singleUserProfile, now: now
    )
    .register(on: router)
    let app = router.group().add(
        middleware: SessionMiddleware(manager: deps.sessions, secureCookies: configuration.isBehindTLS, preferences: deps.preferences))
    // Bulk events (token-authenticated), the live snapshot and its stream (open, or behind the login on a
    // password-protected install); no session needed.
    EventsController(events: deps.events, hub: deps.live, now: now, showListeners: configuration.liveShowListeners)
        .register(on: router, reads: configuration.password == nil ? router.group() : app)
    LoginController(deps: deps).register(on: app)
    PagesController(deps: deps).register(on: app)
    LiveController(deps: deps).register(on: app)
    SettingsController(deps: deps).register(on: app)
    LibraryController(deps: deps).register(on: app)
    PlaylistsController(deps: deps).register(on: app)
    PlayersController(deps: deps).register(on: app)
    RecapController(deps: deps).register(on: app)
    RecapVideoController(deps: deps).register(on: app)
    RecapShareController(deps: deps).register(on: app)
    // Shared recaps are read without a session (and set no cookie).
    RecapShareController(deps: deps).registerPublic(on: router)
    APIController(deps: deps).register(on: app.group("api/v1"))
    return router
}

/// `GET /metrics` in Prometheus's text format.
func addMetricsRoute<Context: RequestContext>(to router: Router<Context>, registry: PrometheusCollectorRegistry?) {
    router.get("metrics") { _, _ in
        // Read when asked: the part of the process's memory that is SQLite's page caches (they fill to their size, then stay).
        Gauge(label: "segue_sqlite_page_cache_bytes").record(Stores.sqlitePageCacheBytes)
        var bytes: [UInt8] = []
        registry?.emit(into: &bytes)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The HTTP/1 server's idle timeout (`.http1(configuration: .init(idleTimeout:))`): a connection that sends no
/// whole request part for `idleTimeoutSeconds` (half a request line, a header trickled a byte at a time, a stalled
/// body) is closed; a request being answered (an open stream) is not idle.
public func idleTimeout(_ configuration: ServerConfiguration) -> TimeAmount {
    .milliseconds(Int64(configuration.idleTimeoutSeconds * 1000))
}

/// The whole application: router, worker pool and session expiry as services, graceful shutdown.
public func buildApplication(
    _ deps: ServerDependencies, registry: PrometheusCollectorRegistry? = nil, logger: Logger
) -> some ApplicationProtocol {
    let configuration = deps.configuration
    var services: [any Service] = [WorkerPoolService(pool: deps.pool), SessionExpiryService(manager: deps.sessions, logger: logger)]
    services += deps.supervisor.map { [WorkerSupervisorService(supervisor: $0)] } ?? []
    services.append(
        PlaylistRefreshService(
            scheduler: PlaylistRefreshScheduler(playlists: deps.playlists, jobs: deps.pool.store, now: deps.environment.now), logger: logger))
    services += [
        LiveTickService(
            hub: deps.live, webhook: configuration.alertWebhook.map { AlertWebhook(url: $0, logger: logger) })
    ]
    services += deps.liveFeed.map { [LiveFeedService(feed: $0, hub: deps.live)] } ?? []
    services += deps.kafka.map { [KafkaSourceService(source: $0)] } ?? []
    if case .separate(let host, let port) = configuration.metrics {
        // Metrics on their own address (a private interface), and nothing else there.
        let metrics = Router()
        addMetricsRoute(to: metrics, registry: registry)
        services.append(
            Application(
                router: metrics, server: .http1(configuration: .init(idleTimeout: idleTimeout(configuration))),
                configuration: .init(address: .hostname(host, port: port), serverName: "Segue metrics"), logger: logger))
    }
    return Application(
        router: buildRouter(deps, registry: registry), server: .http1(configuration: .init(idleTimeout: idleTimeout(configuration))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Segue"),
        services: services, logger: logger)
}

/// Starts the worker pool with the server and stops it (requeueing interrupted jobs) on shutdown.
public struct WorkerPoolService: Service {
    let pool: WorkerPool

    public init(pool: WorkerPool) {
        self.pool = pool
    }

    public func run() async throws {
        try pool.start()
        try? await gracefulShutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread { [pool] in
                pool.shutdown()
                done.resume()
            }.start()
        }
    }
}

/// Moves the live windows and pushes a snapshot to every subscriber ten times a second (a
/// subscriber only sends when what it shows changed, and each window is encoded once per tick).
/// New alerts of the default window go to the webhook, if one is configured, without holding up the ticks.
struct LiveTickService: Service {
    let hub: LiveHub
    var webhook: AlertWebhook?

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let snapshot = await hub.tick()
            if let webhook {
                let fresh = webhook.newAlerts(in: snapshot)
                if !fresh.isEmpty { Task { await webhook.post(fresh, windowSeconds: snapshot.windowSeconds) } }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(100)) }
        }
    }
}

/// Counts in this node's live windows what other nodes stored (PostgreSQL only; see `LiveFeed`).
struct LiveFeedService: Service {
    let feed: any LiveFeed
    let hub: LiveHub

    func run() async throws {
        let hub = self.hub
        await cancelWhenGracefulShutdown {
            await feed.run { plays in
                await hub.ingest(plays.map { LiveEvent(user: $0.user, track: $0.track, artist: $0.artist, timeMilliseconds: $0.time) })
            }
        }
    }
}

/// Reads the Kafka topic until shutdown, then leaves the consumer group (its partitions go to the other nodes).
public struct KafkaSourceService: Service {
    let source: KafkaEventSource

    public init(source: KafkaEventSource) {
        self.source = source
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await source.run() }
    }
}

/// Erases idle sessions and their data every minute.
struct SessionExpiryService: Service {
    let manager: SessionManager
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try manager.expireIdleSessions()
            } catch {
                logger.error("session expiry failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }
}
