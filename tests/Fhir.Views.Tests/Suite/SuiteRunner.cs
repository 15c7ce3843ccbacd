using System.Text;
using System.Text.Json.Nodes;
using Fhir.Views.Output;

namespace Fhir.Views.Tests.Suite;

/// <summary>
/// Runs one suite test through the library as a caller would: the view parsed and compiled, the resources given as JSON
/// bytes, the rows written as JSON and read back. Rows compare as multisets: SQL on FHIR gives rows in no defined order.
/// </summary>
internal static class SuiteRunner
{
    public static (bool Passed, string Detail) Run(SuiteTest test)
    {
        var parsed = ViewDefinition.Parse(Encoding.UTF8.GetBytes(test.View));
        if (parsed.View is null)
        {
            var problems = string.Join("; ", parsed.Issues.Select(i => $"{i.Expression}: {i.Message}"));
            return test.ExpectError ? (true, $"rejected as expected: {problems}") : (false, $"the view was rejected: {problems}");
        }
        using var output = new MemoryStream();
        var writer = RowWriter.Create(ViewOutputFormat.Json, output);
        var result = ViewRunner.RunAsync(parsed.View, Resources(test.Resources), writer).GetAwaiter().GetResult();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (!result.IsSuccess)
        {
            var problems = string.Join("; ", result.Issues.Where(i => i.IsError).Select(i => $"{i.Expression}: {i.Message}"));
            return test.ExpectError ? (true, $"failed as expected: {problems}") : (false, $"the run failed: {problems}");
        }
        if (test.ExpectError)
        {
            return (false, "expected an error, the view ran");
        }
        var rows = JsonNode.Parse(output.ToArray())!.AsArray();
        if (test.ExpectColumns is { } columns && !columns.SequenceEqual(parsed.View.Columns.Select(c => c.Name)))
        {
            return (false, $"columns [{string.Join(", ", parsed.View.Columns.Select(c => c.Name))}], expected [{string.Join(", ", columns)}]");
        }
        if (test.ExpectCount is { } count)
        {
            return rows.Count == count ? (true, $"{count} rows") : (false, $"{rows.Count} rows, expected {count}");
        }
        return Compare(rows, test.Expect!);
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Resources(IReadOnlyList<string> resources)
    {
        foreach (var resource in resources)
        {
            yield return Encoding.UTF8.GetBytes(resource);
        }
        await Task.CompletedTask;
    }

    private static (bool, string) Compare(JsonArray actual, JsonArray expected)
    {
        var remaining = actual.Select(r => r!.AsObject()).ToList();
        var missing = new List<string>();
        foreach (var want in expected.Select(r => r!.AsObject()))
        {
            var match = remaining.FindIndex(have => RowEquals(have, want));
            if (match < 0)
            {
                missing.Add(want.ToJsonString());
            }
            else
            {
                remaining.RemoveAt(match);
            }
        }
        if (missing.Count == 0 && remaining.Count == 0)
        {
            return (true, $"{expected.Count} rows as expected");
        }
        return (false, $"missing rows: {string.Join(" ", missing)}; unexpected rows: {string.Join(" ", remaining.Select(r => r.ToJsonString()))}");
    }

    /// <summary>The same columns with equal values; an absent column and null are the same; numbers compare by value.</summary>
    private static bool RowEquals(JsonObject have, JsonObject want)
    {
        foreach (var name in have.Select(p => p.Key).Union(want.Select(p => p.Key)))
        {
            if (!ValueEquals(have[name], want[name]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool ValueEquals(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => ValueEquals(p.First, p.Second)),
        (JsonValue x, JsonValue y) when x.TryGetValue<decimal>(out var m) && y.TryGetValue<decimal>(out var n) => m == n,
        _ => JsonNode.DeepEquals(a, b),
    };
}
