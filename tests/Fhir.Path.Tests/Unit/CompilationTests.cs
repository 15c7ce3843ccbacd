namespace Fhir.Path.Tests.Unit;

public sealed class CompilationTests
{
    [Fact]
    public void Compilations_are_cached_by_text_and_options()
    {
        var a = FhirPathCompiler.Compile("Patient.name.given");
        Assert.Same(a, FhirPathCompiler.Compile("Patient.name.given"));
        Assert.Same(a, FhirPathCompiler.Compile("Patient.name.given", new CompileOptions()));
        Assert.NotSame(a, FhirPathCompiler.Compile("Patient.name.given", new CompileOptions { Strict = true }));
    }

    [Fact]
    public void A_compiled_expression_can_be_evaluated_from_many_threads()
    {
        var compiled = FhirPathCompiler.Compile("Patient.name.where(use = 'official').given.select($this + '!').join(',')");
        var results = new System.Collections.Concurrent.ConcurrentBag<object?>();
        Parallel.For(0, 2000, _ => results.Add(compiled.Scalar(Fp.Patient)));
        Assert.All(results, r => Assert.Equal("Peter!,James!", r));
    }

    [Fact]
    public void Constant_sub_expressions_are_evaluated_once_at_compile_time()
    {
        var first = FhirPathCompiler.Compile("(1 | 2 | 3).count()").Evaluate(null);
        var second = FhirPathCompiler.Compile("(1 | 2 | 3).count()").Evaluate(null);
        Assert.Same(first, second);
    }

    [Fact]
    public void Evaluation_errors_carry_the_expression_and_position()
    {
        var error = Fp.Error("Patient.name.single()", Fp.Patient);
        Assert.Equal("Patient.name.single()", error.Expression);
        Assert.Equal(14, error.Column);
    }

    [Fact]
    public void EvaluateBoolean_follows_singleton_evaluation()
    {
        Assert.Null(Fp.Bool("Patient.link.exists().where(false)", Fp.Patient));
        Assert.True(Fp.Bool("Patient.name.first()", Fp.Patient));
        Assert.Equal(FhirPathErrorKind.Execution, Assert.Throws<FhirPathException>(() => Fp.Bool("Patient.name", Fp.Patient)).Kind);
    }

    [Fact]
    public void As_filters_collections_unless_the_singleton_rule_is_asked_for()
    {
        Assert.Equal(2, Fp.Eval("Patient.name.as(HumanName)", Fp.Patient).Count);
        Assert.Equal(FhirPathErrorKind.Execution,
            Fp.Error("Patient.name.as(HumanName)", Fp.Patient, new CompileOptions { AsRequiresSingleton = true }).Kind);
    }
}
