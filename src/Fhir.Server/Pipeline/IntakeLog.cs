using Fhir.Core.Json;
using Fhir.Core.Outcomes;

namespace Fhir.Server.Pipeline;

/// <summary>
/// What lenient intake did with one request: the body as sent, the elements it dropped (warnings with their paths), and
/// once stored, the id of the Binary that keeps the body. Shared by the entries of a Bundle.
/// </summary>
internal sealed class IntakeLog(IntakeMode mode, ReadOnlyMemory<byte> sent, string sentType)
{
    // Shared by a request and the logs of its Bundle entries: the body is kept once per request.
    private KeptBody _kept = new();

    /// <summary>A strict request's log: nothing is ever dropped.</summary>
    public static IntakeLog Strict { get; } = new(IntakeMode.Strict, ReadOnlyMemory<byte>.Empty, "");

    public IntakeMode Mode => mode;

    /// <summary>The body exactly as it arrived (XML stays XML).</summary>
    public ReadOnlyMemory<byte> Sent => sent;

    /// <summary>Its media type.</summary>
    public string SentType => sentType;

    /// <summary>How the JSON reader treats unknown elements for this request.</summary>
    public UnknownElementHandling UnknownElements => mode == IntakeMode.Lenient ? UnknownElementHandling.Drop : UnknownElementHandling.Error;

    /// <summary>The warnings of elements dropped so far (when reading the body; a Bundle's carry their entry's path).</summary>
    public List<Issue> Dropped { get; } = [];

    /// <summary>The Binary that keeps <see cref="Sent"/>, once committed (null until then, so that a rolled-back unit keeps it again).</summary>
    public string? BinaryId
    {
        get => _kept.BinaryId;
        set => _kept.BinaryId = value;
    }

    /// <summary>Records the dropped-element warnings among <paramref name="issues"/> (the only warnings a reader gives), once each.</summary>
    public void Record(IEnumerable<Issue> issues)
    {
        if (mode != IntakeMode.Lenient)
        {
            return;
        }
        foreach (var issue in issues)
        {
            if (issue.Severity == IssueSeverity.Warning && !Dropped.Contains(issue))
            {
                Dropped.Add(issue);
            }
        }
    }

    /// <summary>The log of one Bundle entry: the request's body and Binary, the entry's own dropped elements.</summary>
    public IntakeLog ForEntry(IEnumerable<Issue> dropped)
    {
        var entry = new IntakeLog(mode, sent, sentType) { _kept = _kept };
        entry.Dropped.AddRange(dropped);
        return entry;
    }

    private sealed class KeptBody
    {
        public string? BinaryId { get; set; }
    }
}
