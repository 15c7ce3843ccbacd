namespace Fhir.Path.Tests.Unit;

public sealed class CheckingTests
{
    private static FhirPathException Rejected(string expression, CompileOptions? options = null) =>
        Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(expression, options));

    [Fact]
    public void A_choice_element_named_with_its_type_is_rejected_in_every_mode()
    {
        var error = Rejected("Observation.valueQuantity.value");
        Assert.Equal(FhirPathErrorKind.Semantic, error.Kind);
        Assert.Contains("value.ofType(Quantity)", error.Message);
    }

    [Fact]
    public void A_string_function_on_a_complex_type_is_rejected_when_the_type_is_known() =>
        Assert.Equal(FhirPathErrorKind.Semantic, Rejected("Patient.name.startsWith('a')").Kind);

    [Fact]
    public void Unknown_elements_are_rejected_only_in_strict_mode()
    {
        Assert.NotNull(FhirPathCompiler.Compile("Patient.name.given1"));
        var error = Rejected("Patient.name.given1", new CompileOptions { Strict = true });
        Assert.Equal(FhirPathErrorKind.Semantic, error.Kind);
        Assert.Equal(14, error.Column);
    }

    [Fact]
    public void In_strict_mode_the_context_type_must_match()
    {
        var options = new CompileOptions { Strict = true, RootType = "Patient" };
        Assert.Equal(FhirPathErrorKind.Semantic, Rejected("Encounter.status", options).Kind);
        Assert.NotNull(FhirPathCompiler.Compile("Resource.id", options));
        Assert.NotNull(FhirPathCompiler.Compile("name.given", options));
    }

    [Fact]
    public void In_strict_mode_casts_narrow_the_type()
    {
        var options = new CompileOptions { Strict = true };
        Assert.Equal(FhirPathErrorKind.Semantic, Rejected("(Observation.value as Period).unit", options).Kind);
        Assert.NotNull(FhirPathCompiler.Compile("(Observation.value as Quantity).unit", options));
    }

    [Fact]
    public void In_strict_mode_a_non_boolean_criterion_of_iif_is_rejected() =>
        Assert.Equal(FhirPathErrorKind.Semantic, Rejected("iif('text', 1, 2)", new CompileOptions { Strict = true }).Kind);

    [Fact]
    public void Order_dependent_functions_on_unordered_collections_are_rejected_when_asked()
    {
        var options = new CompileOptions { Strict = true, CheckOrderedFunctions = true, RootType = "Patient" };
        Assert.Equal(FhirPathErrorKind.Semantic, Rejected("Patient.children().first()", options).Kind);
        Assert.NotNull(FhirPathCompiler.Compile("Patient.children().first()", options with { CheckOrderedFunctions = false }));
    }

    [Fact]
    public void The_result_type_is_reported_when_known()
    {
        Assert.Equal("FHIR.HumanName", FhirPathCompiler.Compile("Patient.name").ResultType);
        Assert.Equal("System.Boolean", FhirPathCompiler.Compile("Patient.name.exists()").ResultType);
        Assert.Null(FhirPathCompiler.Compile("name").ResultType);
        Assert.Equal("FHIR.string", FhirPathCompiler.Compile("name.family", new CompileOptions { RootType = "Patient" }).ResultType);
    }

    [Fact]
    public void Every_R4_search_parameter_and_invariant_compiles()
    {
        var definitions = Fhir.Core.Definitions.FhirDefinitions.R4;
        var failures = new List<string>();
        var count = 0;
        foreach (var entry in definitions.Entries.Where(e => e.ResourceType is "SearchParameter"))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(definitions.ReadJson(entry));
            if (doc.RootElement.TryGetProperty("expression", out var expression))
            {
                count++;
                if (!FhirPathCompiler.TryCompile(expression.GetString()!, out _, out var error))
                {
                    failures.Add($"{entry.Url}: {error!.Message}");
                }
            }
        }
        Assert.True(count > 1000);

        // The invariants of every core StructureDefinition, type-checked against the type of the element they sit on.
        var seen = new HashSet<(string, string)>();
        foreach (var entry in definitions.Entries.Where(e => e.ResourceType == "StructureDefinition" && e.Derivation == "specialization"))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(definitions.ReadJson(entry));
            if (!doc.RootElement.TryGetProperty("snapshot", out var snapshot))
            {
                continue;
            }
            foreach (var element in snapshot.GetProperty("element").EnumerateArray())
            {
                if (!element.TryGetProperty("constraint", out var constraints))
                {
                    continue;
                }
                var path = element.GetProperty("path").GetString()!;
                foreach (var constraint in constraints.EnumerateArray())
                {
                    if (constraint.TryGetProperty("expression", out var expression) && seen.Add((path, expression.GetString()!)))
                    {
                        count++;
                        var options = new CompileOptions { RootType = TypeOfPath(definitions, path) };
                        if (!FhirPathCompiler.TryCompile(expression.GetString()!, out _, out var error, options))
                        {
                            failures.Add($"{path}: {error!.Message}");
                        }
                    }
                }
            }
        }
        Assert.True(count > 5000);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string? TypeOfPath(Fhir.Core.Definitions.FhirDefinitions definitions, string path)
    {
        var parts = path.Split('.');
        var type = definitions.FindType(parts[0]);
        for (var i = 1; i < parts.Length && type is not null; i++)
        {
            var element = type.FindElement(parts[i].Replace("[x]", "", StringComparison.Ordinal));
            type = element?.NestedType ?? (element is { Types.Count: 1 } ? definitions.FindType(element.Types[0].Code) : null);
        }
        return type?.Name;
    }
}
