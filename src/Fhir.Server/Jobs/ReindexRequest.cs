using System.Globalization;
using System.Text.Json;

namespace Fhir.Server.Jobs;

/// <summary>
/// What a reindex job rebuilds: the index rows of <paramref name="Codes"/> (every parameter when
/// null) of the current resources of <paramref name="Types"/>, in that order. Stored as the job's
/// request JSON; its cursor is <c>[type position]:[last key done]</c>.
/// </summary>
internal sealed record ReindexRequest(IReadOnlyList<string> Types, IReadOnlyList<string>? Codes)
{
    public const string Kind = "reindex";

    /// <summary>True for the reindex a parameter change queued: it waits for writes that took the old parameters (<see cref="ReindexJob.Settle"/>).</summary>
    public bool AfterChange { get; init; }

    public string ToJson() => JsonSerializer.Serialize(new Dto { Types = [.. Types], Codes = Codes?.ToArray(), AfterChange = AfterChange });

    public static ReindexRequest FromJson(string json)
    {
        var dto = JsonSerializer.Deserialize<Dto>(json) ?? throw new InvalidOperationException("Empty reindex request.");
        return new ReindexRequest(dto.Types ?? [], dto.Codes) { AfterChange = dto.AfterChange };
    }

    /// <summary>The position a cursor names: the type's index and the last key done in it.</summary>
    public static (int Type, long Key) ParseCursor(string? cursor)
    {
        if (cursor is null) return (0, 0);
        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        return (int.Parse(cursor[..colon], CultureInfo.InvariantCulture), long.Parse(cursor[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    public static string Cursor(int type, long key) => string.Create(CultureInfo.InvariantCulture, $"{type}:{key}");

    private sealed class Dto
    {
        public string[]? Types { get; set; }

        public string[]? Codes { get; set; }

        public bool AfterChange { get; set; }
    }
}
