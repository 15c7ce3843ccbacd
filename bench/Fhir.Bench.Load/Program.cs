using System.Globalization;
using System.Net;

namespace Fhir.Bench.Load;

internal enum Op { Create, Read, Update, Vread }

internal enum PreferMode { None, Minimal, Representation }

/// <summary>Thrown for arguments the tool cannot use; Main turns it into exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

internal sealed class Options
{
    public static readonly string[] OpNames = ["create", "read", "update", "vread"];

    public required string Base { get; init; }            // no trailing slash
    public required int[] Clients { get; init; }
    public double DurationSeconds { get; init; }
    public double WarmupSeconds { get; init; }
    public required int[] Mix { get; init; }              // weight per Op
    public PreferMode Prefer { get; init; }
    public string Label { get; init; } = "";
    public string? JsonPath { get; init; }
    public int SeedPerType { get; init; }
    public int RandomSeed { get; init; }
    public double TimeoutSeconds { get; init; }
    public bool Smoke { get; init; }

    public string MixText => string.Join(',', OpNames.Select((n, i) => $"{n}={Mix[i]}"));

    public const string Usage = """
        usage: Fhir.Bench.Load --base <url> [options]

          --base <url>          FHIR base, e.g. http://127.0.0.1:8080/fhir (required)
          --clients <n,n,...>   concurrent closed-loop workers, one run per value (default 16)
          --duration <s>        measured seconds per run (default 20)
          --warmup <s>          unmeasured seconds before each run (default 5)
          --mix <op=w,...>      weights for create, read, update, vread
                                (default create=25,read=50,update=15,vread=10)
          --prefer <mode>       minimal | representation; sent as Prefer: return=<mode>
                                on create and update (default: no Prefer header)
          --seed <n>            Patients and Observations each created before the runs (default 500)
          --random-seed <n>     base seed of the per-worker generators (default 42)
          --timeout <s>         per-request timeout (default 30)
          --label <text>        label for the report, e.g. sqlite or postgres
          --json <file>         also write the results as JSON
          --smoke               2 s at 4 clients, no warm-up, seed 50; fails unless zero errors
          -h, --help            this text

        exit codes: 0 ok, 1 smoke check failed, 2 unusable arguments,
                    3 server unreachable, 4 seeding or setup failed, 130 interrupted
        """;

    /// <summary>Parses the command line; null means help was asked for.</summary>
    public static Options? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool smoke = false;
        string[] known = ["--base", "--clients", "--duration", "--warmup", "--mix", "--prefer", "--seed",
            "--random-seed", "--timeout", "--label", "--json"];
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "-h" or "--help" or "-?") return null;
            if (a == "--smoke") { smoke = true; continue; }
            string name = a, value;
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
            }
            else
            {
                if (!known.Contains(name)) throw new UsageException($"unknown argument '{a}'");
                if (i + 1 >= args.Length) throw new UsageException($"{name} needs a value");
                value = args[++i];
            }
            if (!known.Contains(name)) throw new UsageException($"unknown option '{name}'");
            if (!values.TryAdd(name, value)) throw new UsageException($"{name} given twice");
        }

        if (!values.TryGetValue("--base", out var baseText)) throw new UsageException("--base is required");
        if (!Uri.TryCreate(baseText, UriKind.Absolute, out var baseUri)
            || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(baseUri.Query) || !string.IsNullOrEmpty(baseUri.Fragment))
            throw new UsageException($"--base '{baseText}' is not an absolute http(s) URL without query");

        int[] clients = values.TryGetValue("--clients", out var c)
            ? c.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => PositiveInt("--clients", s, 4096)).ToArray()
            : [16];
        if (clients.Length == 0) throw new UsageException("--clients needs at least one value");

        PreferMode prefer = values.TryGetValue("--prefer", out var p)
            ? p.ToLowerInvariant() switch
            {
                "minimal" => PreferMode.Minimal,
                "representation" => PreferMode.Representation,
                _ => throw new UsageException($"--prefer must be minimal or representation, not '{p}'"),
            }
            : PreferMode.None;

        return new Options
        {
            Base = baseText.TrimEnd('/'),
            Clients = smoke ? [4] : clients,
            DurationSeconds = smoke ? 2 : Seconds(values, "--duration", 20, min: 0.1),
            WarmupSeconds = smoke ? 0 : Seconds(values, "--warmup", 5, min: 0),
            Mix = ParseMix(values.GetValueOrDefault("--mix", "create=25,read=50,update=15,vread=10")),
            Prefer = prefer,
            Label = values.GetValueOrDefault("--label", ""),
            JsonPath = values.GetValueOrDefault("--json"),
            SeedPerType = values.TryGetValue("--seed", out var s2) ? PositiveInt("--seed", s2, 1_000_000) : smoke ? 50 : 500,
            RandomSeed = values.TryGetValue("--random-seed", out var r)
                ? int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rs) ? rs
                    : throw new UsageException($"--random-seed '{r}' is not an integer")
                : 42,
            TimeoutSeconds = Seconds(values, "--timeout", 30, min: 0.1),
            Smoke = smoke,
        };
    }

    private static int[] ParseMix(string text)
    {
        var mix = new int[OpNames.Length];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            int op = Array.IndexOf(OpNames, kv[0].ToLowerInvariant());
            if (op < 0) throw new UsageException($"--mix: unknown operation '{kv[0]}' (known: {string.Join(", ", OpNames)})");
            if (!seen.Add(OpNames[op])) throw new UsageException($"--mix: '{OpNames[op]}' given twice");
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out mix[op]) || mix[op] > 1_000_000)
                throw new UsageException($"--mix: '{part}' is not op=<non-negative integer weight>");
        }
        if (mix.Sum() == 0) throw new UsageException("--mix: at least one weight must be positive");
        return mix;
    }

    private static int PositiveInt(string name, string s, int max) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= max
            ? v
            : throw new UsageException($"{name}: '{s}' is not an integer in 1..{max}");

    private static double Seconds(Dictionary<string, string> values, string name, double fallback, double min)
    {
        if (!values.TryGetValue(name, out var s)) return fallback;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= min && v <= 86_400
            ? v
            : throw new UsageException($"{name}: '{s}' is not a number of seconds >= {min.ToString(CultureInfo.InvariantCulture)}");
    }
}

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        Options? options;
        try
        {
            options = Options.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine();
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }
        if (options is null)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        using var handler = new SocketsHttpHandler
        {
            // Closed loop: every worker holds at most one request, so one connection each (+ slack for checks).
            MaxConnectionsPerServer = Math.Max(options.Clients.Max(), LoadRunner.SeedConcurrency) + 4,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler, disposeHandler: false)
        {
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        http.DefaultRequestHeaders.Accept.ParseAdd("application/fhir+json");

        var runner = new LoadRunner(options, http);
        var report = new Report(options);
        report.PrintHeader();

        try
        {
            await runner.CheckReachableAsync(cts.Token);
            await runner.SeedAsync(cts.Token);
        }
        catch (ServerUnreachableException e)
        {
            Console.Error.WriteLine($"error: server unreachable: {e.Message}");
            return 3;
        }
        catch (SetupException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 4;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted");
            return 130;
        }

        var runs = new List<RunResult>();
        foreach (int clients in options.Clients)
        {
            if (cts.IsCancellationRequested) break;
            var run = await runner.RunAsync(clients, cts.Token);
            runs.Add(run);
            report.PrintRun(run, runner.Errors);
        }

        report.PrintSummary(runs, runner.Errors);
        if (options.JsonPath is not null)
        {
            try
            {
                report.WriteJson(options.JsonPath, runs, runner.Errors);
                Console.WriteLine($"results written to {options.JsonPath}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: cannot write {options.JsonPath}: {e.Message}");
                return 2;
            }
        }

        if (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted");
            return 130;
        }
        return options.Smoke ? Report.SmokeVerdict(options, runs) : 0;
    }
}
