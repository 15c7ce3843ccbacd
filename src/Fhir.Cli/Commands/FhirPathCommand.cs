using System.CommandLine;
using System.Text;
using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Cli.Commands;

/// <summary>
/// <c>fhir fhirpath &lt;expression&gt; [--input file] [--strict]</c> prints the result as a JSON array;
/// <c>fhir fhirpath --batch</c> reads JSON lines <c>{"expression": ..., "resource": {...} | null, "strict": bool}</c>
/// from stdin and writes one line per input, <c>{"result": [...]}</c> or <c>{"error": "..."}</c>.
/// </summary>
internal static class FhirPathCommand
{
    public static Command Create()
    {
        var expression = new Argument<string?>("expression")
        {
            Description = "The FHIRPath expression (not with --batch).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var input = new Option<FileInfo?>("--input", "-i")
        {
            Description = "A JSON file holding the resource to evaluate on ('-' for stdin); none to evaluate on nothing.",
        };
        var strict = new Option<bool>("--strict")
        {
            Description = "Type-check the expression against the resource's type before evaluating it.",
        };
        var batch = new Option<bool>("--batch")
        {
            Description = "Read JSON lines {\"expression\", \"resource\", \"strict\"} from stdin; write one {\"result\"} or {\"error\"} line each.",
        };
        var command = new Command("fhirpath", "Evaluate a FHIRPath expression on a FHIR resource.")
        {
            expression,
            input,
            strict,
            batch,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(batch))
            {
                if (parsed.GetValue(expression) is not null || parsed.GetValue(input) is not null)
                {
                    Console.Error.WriteLine("--batch reads expressions and resources from stdin: give neither an expression nor --input.");
                    return ExitCodes.UnusableArguments;
                }
                return RunBatch(Console.In, Console.Out);
            }
            var text = parsed.GetValue(expression);
            if (string.IsNullOrWhiteSpace(text))
            {
                Console.Error.WriteLine("An expression is required (or --batch).");
                return ExitCodes.UnusableArguments;
            }
            return RunSingle(text, parsed.GetResult(input) is null ? null : parsed.GetValue(input), parsed.GetValue(strict), Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Evaluates one expression and prints the JSON array of its result.</summary>
    public static int RunSingle(string expression, FileInfo? inputFile, bool strict, TextWriter output, TextWriter error)
    {
        ElementNode? resource = null;
        if (inputFile is not null)
        {
            string json;
            try
            {
                json = inputFile.Name == "-" ? Console.In.ReadToEnd() : File.ReadAllText(inputFile.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"Cannot read '{inputFile}': {e.Message}");
                return ExitCodes.UnusableArguments;
            }
            var parsed = ReadResource(json, out var problem);
            if (parsed is null)
            {
                error.WriteLine($"'{inputFile}' is not a FHIR resource: {problem}");
                return ExitCodes.UnusableArguments;
            }
            resource = parsed;
        }
        try
        {
            var result = Evaluate(expression, resource, strict);
            output.WriteLine(ResultJson.ToJson(result));
            return ExitCodes.Ok;
        }
        catch (FhirPathException e)
        {
            error.WriteLine(e.Message);
            return ExitCodes.Failed;
        }
    }

    /// <summary>Processes JSON lines until the end of <paramref name="input"/>; each input line gives one output line.</summary>
    public static int RunBatch(TextReader input, TextWriter output)
    {
        while (input.ReadLine() is { } line)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }
            output.WriteLine(BatchLine(line));
            output.Flush();
        }
        return ExitCodes.Ok;
    }

    private static string BatchLine(string line)
    {
        string? expression;
        ElementNode? resource = null;
        bool strict;
        try
        {
            using var request = JsonDocument.Parse(line);
            var root = request.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("expression", out var expressionValue) || expressionValue.ValueKind != JsonValueKind.String)
            {
                return ErrorLine("each line must be a JSON object with an \"expression\" string");
            }
            expression = expressionValue.GetString()!;
            strict = root.TryGetProperty("strict", out var strictValue) && strictValue.ValueKind == JsonValueKind.True;
            if (root.TryGetProperty("resource", out var resourceValue) && resourceValue.ValueKind != JsonValueKind.Null)
            {
                resource = ReadResource(resourceValue.GetRawText(), out var problem);
                if (resource is null)
                {
                    return ErrorLine($"the resource is not usable: {problem}");
                }
            }
        }
        catch (JsonException e)
        {
            return ErrorLine($"the line is not JSON: {e.Message}");
        }
        try
        {
            return "{\"result\":" + ResultJson.ToJson(Evaluate(expression, resource, strict)) + "}";
        }
        catch (FhirPathException e)
        {
            return ErrorLine(e.Message);
        }
    }

    private static IReadOnlyList<object> Evaluate(string expression, ElementNode? resource, bool strict)
    {
        var options = new CompileOptions { Strict = strict, RootType = resource?.Type.Name };
        return FhirPathCompiler.Compile(expression, options).Evaluate(resource);
    }

    /// <summary>The resource in <paramref name="json"/>: kept when the reader could build it, even with non-fatal issues.</summary>
    private static ElementNode? ReadResource(string json, out string? problem)
    {
        var result = FhirJsonReader.Parse(Encoding.UTF8.GetBytes(json));
        problem = result.Issues.FirstOrDefault(i => i.IsError)?.Message ?? (result.Resource is null ? "no resource" : null);
        return result.Resource;
    }

    private static string ErrorLine(string message)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, ResultJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
