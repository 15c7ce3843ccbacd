using System.Buffers;
using System.Text.Json;
using Fhir.Core.Outcomes;

namespace Fhir.Server.Outcomes;

/// <summary>Writes issues as an OperationOutcome resource.</summary>
internal static class OperationOutcomes
{
    /// <summary>The OperationOutcome for <paramref name="issues"/> (one informational "All OK" issue when there are none).</summary>
    public static byte[] Serialize(IReadOnlyList<Issue> issues)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, issues);
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, IReadOnlyList<Issue> issues)
    {
        writer.WriteStartObject();
        writer.WriteString("resourceType", "OperationOutcome");
        writer.WriteStartArray("issue");
        if (issues.Count == 0)
        {
            WriteIssue(writer, Issue.Information(IssueType.Informational, "All OK"));
        }
        foreach (var issue in issues)
        {
            WriteIssue(writer, issue);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteIssue(Utf8JsonWriter writer, Issue issue)
    {
        writer.WriteStartObject();
        writer.WriteString("severity", issue.Severity switch
        {
            IssueSeverity.Fatal => "fatal",
            IssueSeverity.Error => "error",
            IssueSeverity.Warning => "warning",
            _ => "information",
        });
        writer.WriteString("code", issue.Code.ToCode());
        writer.WriteString("diagnostics", issue.Message);
        if (issue.Expression is not null)
        {
            writer.WriteStartArray("expression");
            writer.WriteStringValue(issue.Expression);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
