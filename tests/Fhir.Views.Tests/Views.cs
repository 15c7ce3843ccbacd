using System.Text;
using Fhir.Views.Output;

namespace Fhir.Views.Tests;

/// <summary>Helpers: compile a view from JSON text, run it over resources given as JSON text, into any format.</summary>
internal static class Views
{
    public static ViewDefinition Compile(string json)
    {
        var parsed = ViewDefinition.Parse(Encoding.UTF8.GetBytes(json));
        Assert.True(parsed.View is not null, string.Join("; ", parsed.Issues.Select(i => $"{i.Expression}: {i.Message}")));
        return parsed.View!;
    }

    public static async Task<(byte[] Output, ViewRunResult Result)> Run(
        ViewDefinition view, IEnumerable<string> resources, ViewOutputFormat format, ViewRunOptions? options = null)
    {
        using var output = new MemoryStream();
        await using (var writer = RowWriter.Create(format, output))
        {
            var result = await ViewRunner.RunAsync(view, Lines(resources), writer, options);
            return (output.ToArray(), result);
        }
    }

    public static async Task<string> RunText(ViewDefinition view, IEnumerable<string> resources, ViewOutputFormat format)
    {
        var (output, result) = await Run(view, resources, format);
        Assert.True(result.IsSuccess, string.Join("; ", result.Issues.Select(i => i.Message)));
        return Encoding.UTF8.GetString(output);
    }

    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> Lines(IEnumerable<string> resources)
    {
        foreach (var resource in resources)
        {
            yield return Encoding.UTF8.GetBytes(resource);
        }
        await Task.CompletedTask;
    }
}
