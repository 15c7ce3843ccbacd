using Fhir.Core.Model;

namespace Fhir.Path.Tests.Suites;

/// <summary>Runs one official test: compiles (strict when asked), evaluates on its input and compares.</summary>
internal static class OfficialRunner
{
    public static (bool Passed, string Detail) Run(OfficialTest test)
    {
        ElementNode? input = null;
        if (test.InputFile is not null)
        {
            input = SuiteInputs.Load(test.InputFile);
            if (input is null)
            {
                return (false, $"input '{test.InputFile}' not found");
            }
        }
        var options = new CompileOptions
        {
            Strict = test.Strict,
            CheckOrderedFunctions = test.CheckOrderedFunctions,
            RootType = input?.Type.Name,
            // The suite holds as() to the specification's singleton rule (R4's own definitions need it lenient).
            AsRequiresSingleton = true,
        };
        var traces = new List<string>();
        var context = new EvaluationContext { Trace = (name, values) => traces.Add($"{name}: {values.Count} item(s)") };
        IReadOnlyList<object> result;
        try
        {
            var compiled = FhirPathCompiler.Compile(test.Expression, options);
            result = compiled.Evaluate(input, context);
        }
        catch (FhirPathException e)
        {
            if (test.Invalid is null)
            {
                return (false, $"unexpected error: {e.Message}");
            }
            var expectedKind = test.Invalid switch
            {
                "syntax" => FhirPathErrorKind.Syntax,
                "semantic" => FhirPathErrorKind.Semantic,
                _ => FhirPathErrorKind.Execution,
            };
            return e.Kind == expectedKind
                ? (true, $"failed as expected: {e.Message}")
                : (false, $"expected a {test.Invalid} error, got: {e.Message}");
        }
        if (test.Invalid is not null)
        {
            return (false, $"expected a {test.Invalid} error, got {result.Count} item(s): {string.Join(", ", result.Select(ResultMatcher.Describe))}");
        }
        if (test.Predicate)
        {
            result = [result.Count switch { 0 => false, 1 when result[0] is bool b => b, _ => true }];
        }
        var expected = test.Outputs;
        if (result.Count != expected.Count)
        {
            return (false, $"expected {expected.Count} item(s), got {result.Count}: {string.Join(", ", result.Select(ResultMatcher.Describe))}");
        }
        if (test.Ordered)
        {
            for (var i = 0; i < expected.Count; i++)
            {
                if (!ResultMatcher.Matches(result[i], expected[i], out var why))
                {
                    return (false, $"item {i}: {why}");
                }
            }
            return (true, "ok");
        }
        var used = new bool[result.Count];
        foreach (var output in expected)
        {
            var found = false;
            for (var i = 0; i < result.Count && !found; i++)
            {
                if (!used[i] && ResultMatcher.Matches(result[i], output, out _))
                {
                    used[i] = found = true;
                }
            }
            if (!found)
            {
                return (false, $"no item matches {output.Type} '{output.Text}'");
            }
        }
        return (true, "ok");
    }
}
