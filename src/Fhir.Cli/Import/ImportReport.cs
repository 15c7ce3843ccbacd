using System.Text.Json.Nodes;

namespace Fhir.Cli.Import;

/// <summary>
/// The report of rejected resources: one JSON line each (<c>file</c>, <c>line</c>, <c>type</c>, <c>id</c>,
/// <c>status</c>, <c>reason</c> and the server's <c>outcome</c>), appended as they are found and kept across resumed runs.
/// </summary>
internal sealed class ImportReport(string path) : IDisposable
{
    private readonly Lock _lock = new();
    private StreamWriter? _writer;
    private int _count;

    public string Path { get; } = path;

    public int Count => _count;

    public void Add(Rejection rejection)
    {
        var line = new JsonObject
        {
            ["file"] = rejection.File,
            ["line"] = rejection.Line,
            // Not "resourceType": a report left in an input folder must not pass for a resource.
            ["type"] = rejection.ResourceType,
            ["id"] = rejection.Id,
            ["status"] = rejection.Status,
            ["reason"] = rejection.Reason,
            ["outcome"] = rejection.Outcome?.DeepClone(),
        }.ToJsonString();
        lock (_lock)
        {
            _writer ??= new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            _writer.WriteLine(line);
            _count++;
        }
    }

    public void Dispose() => _writer?.Dispose();
}
