namespace Fhir.Path.Tests.Unit;

/// <summary>Functions added through <see cref="CompileOptions.Functions"/> (SQL on FHIR adds getReferenceKey(), say).</summary>
public sealed class AddedFunctionTests
{
    private static readonly IReadOnlyList<FhirPathFunction> Added =
    [
        new FhirPathFunction("twice", 0, 0, (input, _, _) => [.. input, .. input]),
        new FhirPathFunction("prefixed", 1, 1, (input, arguments, _) => [.. input.Select(i => (string)arguments[0][0] + Text(i))]),
        new FhirPathFunction("typeName", 1, 1, (_, arguments, _) => [arguments[0][0]], FhirPathArgumentKind.TypeName),
        new FhirPathFunction("join", 0, 1, (input, _, _) => [$"joined {input.Count}"]),
    ];

    private static readonly CompileOptions Options = new() { Functions = Added };

    private static readonly Core.Model.ElementNode Patient =
        Fp.Resource("""{"resourceType":"Patient","id":"p1","name":[{"given":["Ann","Bo"]}]}""");

    private static string Text(object item) => item is Core.Model.ElementNode node ? (string)node.Value! : (string)item;

    [Fact]
    public void An_added_function_is_called_with_its_input() =>
        Assert.Equal(4, FhirPathCompiler.Compile("name.given.twice()", Options).Evaluate(Patient).Count);

    [Fact]
    public void Value_arguments_are_evaluated_against_the_focus() =>
        Assert.Equal(["p1:Ann", "p1:Bo"], FhirPathCompiler.Compile("name.given.prefixed(%resource.id + ':')", Options).Evaluate(Patient).Select(Text));

    [Fact]
    public void Type_name_arguments_arrive_as_names_without_their_namespace()
    {
        Assert.Equal(["Observation"], FhirPathCompiler.Compile("typeName(Observation)", Options).Evaluate(Patient).Select(Text));
        Assert.Equal(["Patient"], FhirPathCompiler.Compile("typeName(FHIR.Patient)", Options).Evaluate(Patient).Select(Text));
    }

    [Fact]
    public void An_added_function_takes_the_place_of_the_built_in_one_of_its_name()
    {
        Assert.Equal(["joined 2"], FhirPathCompiler.Compile("name.given.join(',')", Options).Evaluate(Patient).Select(Text));
        Assert.Equal(["Ann,Bo"], FhirPathCompiler.Compile("name.given.join(',')").Evaluate(Patient).Select(Text));
    }

    [Fact]
    public void Without_the_options_an_added_function_is_unknown() =>
        Assert.Equal(FhirPathErrorKind.Semantic, Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile("twice()")).Kind);

    [Fact]
    public void The_argument_count_of_an_added_function_is_checked() =>
        Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile("twice(1)", Options));
}
