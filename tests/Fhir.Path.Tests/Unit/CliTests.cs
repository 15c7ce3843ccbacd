using System.CommandLine;
using Fhir.Cli;
using Fhir.Cli.Commands;

namespace Fhir.Path.Tests.Unit;

public sealed class CliTests
{
    private static (int Code, string Output, string Error) Single(string expression, string? json = null, bool strict = false)
    {
        string? path = null;
        try
        {
            if (json is not null)
            {
                path = System.IO.Path.GetTempFileName();
                File.WriteAllText(path, json);
            }
            var output = new StringWriter();
            var error = new StringWriter();
            var code = FhirPathCommand.RunSingle(expression, path is null ? null : new FileInfo(path), strict, output, error);
            return (code, output.ToString().Trim(), error.ToString().Trim());
        }
        finally
        {
            if (path is not null)
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void The_fhirpath_verb_prints_primitives_as_json_scalars()
    {
        var (code, output, _) = Single("name.given | active | birthDate", """{"resourceType":"Patient","active":true,"name":[{"given":["A","B"]}],"birthDate":"2000-01-02"}""");
        Assert.Equal(0, code);
        Assert.Equal("""["A","B",true,"2000-01-02"]""", output);
    }

    [Fact]
    public void The_fhirpath_verb_prints_complex_values_dates_and_quantities_in_fhir_json()
    {
        Assert.Equal("""[{"family":"X"}]""", Single("name", """{"resourceType":"Patient","name":[{"family":"X"}]}""").Output);
        Assert.Equal("""["2020-01-01",1.50,{"value":3,"unit":"days","system":"http://unitsofmeasure.org","code":"d"}]""",
            Single("@2020-01-01 | 1.50 | 3 days").Output);
    }

    [Fact]
    public void An_evaluation_error_exits_with_1_and_unusable_input_with_2()
    {
        var (code, _, error) = Single("(1 | 2).single()");
        Assert.Equal(1, code);
        Assert.Contains("single()", error);
        Assert.Equal(1, Single("name.(").Code);
        Assert.Equal(2, Single("name", "not json").Code);
        Assert.Equal(2, FhirPathCommand.RunSingle("name", new FileInfo("/nonexistent/file.json"), false, TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void Unknown_options_and_a_missing_expression_exit_with_2()
    {
        Assert.Equal(2, CommandLineRunner.Run(new RootCommand { FhirPathCommand.Create() }, ["fhirpath", "x", "--bogus"]));
        Assert.Equal(2, CommandLineRunner.Run(new RootCommand { FhirPathCommand.Create() }, ["fhirpath"]));
    }

    [Fact]
    public void Batch_mode_answers_each_line_with_a_result_or_an_error()
    {
        var input = new StringReader(string.Join("\n",
            """{"expression":"1 + 1"}""",
            "",
            """{"expression":"name.given.first()","resource":{"resourceType":"Patient","name":[{"given":["A"]}]}}""",
            """{"expression":"name.given1","resource":{"resourceType":"Patient"},"strict":true}""",
            "not json",
            """{"expression":"(1 | 2).single()","resource":null}"""));
        var output = new StringWriter();
        Assert.Equal(0, FhirPathCommand.RunBatch(input, output));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Equal("""{"result":[2]}""", lines[0]);
        Assert.Equal("""{"result":["A"]}""", lines[1]);
        Assert.StartsWith("""{"error":"Semantic error""", lines[2]);
        Assert.StartsWith("""{"error":"the line is not JSON""", lines[3]);
        Assert.StartsWith("""{"error":"Evaluation error""", lines[4]);
    }
}
