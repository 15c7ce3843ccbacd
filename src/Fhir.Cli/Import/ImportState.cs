using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fhir.Cli.Import;

/// <summary>
/// The resume file of an import: one JSON line per settled chunk (<c>{"server":…,"chunk":…,"done":"all"}</c>, or the
/// entry indexes the server accepted when it accepted only some). A later run against the same server skips what a line
/// says is done, so that an interrupted import goes on where it stopped and never sends an accepted resource twice. Lines
/// are appended and flushed one by one; a torn last line (a crash mid-write) is ignored.
/// </summary>
internal sealed class ImportState : IDisposable
{
    private readonly string _server;
    private readonly Dictionary<string, HashSet<int>?> _done = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _jobs = new(StringComparer.Ordinal);
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    private ImportState(string path, string server)
    {
        _server = server;
        Path = path;
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                Load(line);
            }
        }
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public string Path { get; }

    /// <summary>Opens (creating it when needed) the state file of imports into <paramref name="server"/>; <paramref name="restart"/> forgets what it held.</summary>
    public static ImportState Open(string path, string server, bool restart)
    {
        if (restart && File.Exists(path))
        {
            File.Delete(path);
        }
        return new ImportState(path, server);
    }

    public int SettledChunks => _done.Count;

    /// <summary>True when an earlier run settled (part of) the chunk.</summary>
    public bool Knows(ImportChunk chunk) => _done.ContainsKey(chunk.Key);

    /// <summary>The entries of a chunk still to send: all of them, some, or none when it is done.</summary>
    public IReadOnlyList<int> Remaining(ImportChunk chunk)
    {
        if (!_done.TryGetValue(chunk.Key, out var accepted))
        {
            return [.. Enumerable.Range(0, chunk.Entries.Count)];
        }
        return accepted is null ? [] : [.. Enumerable.Range(0, chunk.Entries.Count).Where(i => !accepted.Contains(i))];
    }

    /// <summary>Records a chunk as settled: every entry handled, or (<paramref name="accepted"/>) only those entries accepted so far.</summary>
    public void Record(ImportChunk chunk, IReadOnlyCollection<int>? accepted = null)
    {
        var line = new JsonObject
        {
            ["server"] = _server,
            ["chunk"] = chunk.Key,
            ["done"] = accepted is null ? "all" : new JsonArray([.. accepted.Select(i => (JsonNode)i)]),
        }.ToJsonString();
        lock (_lock)
        {
            _writer.WriteLine(line);
        }
    }

    /// <summary>The status URL of the server-side import job an earlier run started for <paramref name="key"/>, if it has not settled.</summary>
    public string? Job(string key) => _done.ContainsKey(key) ? null : _jobs.GetValueOrDefault(key);

    /// <summary>Records the status URL of a server-side import job started for <paramref name="key"/> (a file sent to <c>$import</c>).</summary>
    public void RecordJob(string key, string status)
    {
        var line = new JsonObject { ["server"] = _server, ["job"] = key, ["status"] = status }.ToJsonString();
        lock (_lock)
        {
            _jobs[key] = status;
            _writer.WriteLine(line);
        }
    }

    /// <summary>True when a line says <paramref name="key"/> is done.</summary>
    public bool IsDone(string key) => _done.TryGetValue(key, out var accepted) && accepted is null;

    /// <summary>Records <paramref name="key"/> as done.</summary>
    public void RecordDone(string key)
    {
        var line = new JsonObject { ["server"] = _server, ["chunk"] = key, ["done"] = "all" }.ToJsonString();
        lock (_lock)
        {
            _done[key] = null;
            _writer.WriteLine(line);
        }
    }

    private void Load(string line)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return;
        }
        if (node?["server"]?.GetValue<string>() != _server)
        {
            return;
        }
        if (node["job"]?.GetValue<string>() is { } job && node["status"]?.GetValue<string>() is { } status)
        {
            _jobs[job] = status;
            return;
        }
        if (node["chunk"]?.GetValue<string>() is not { } key)
        {
            return;
        }
        if (node["done"] is JsonArray indexes)
        {
            if (!_done.TryGetValue(key, out var set) || set is not null)
            {
                set ??= [];
                set.UnionWith(indexes.Select(i => i!.GetValue<int>()));
                _done[key] = set;
            }
        }
        else
        {
            _done[key] = null;
        }
    }

    public void Dispose() => _writer.Dispose();
}
