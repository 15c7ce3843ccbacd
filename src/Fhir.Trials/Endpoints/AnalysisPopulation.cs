namespace Fhir.Trials.Endpoints;

/// <summary>The analysis populations of the efficacy endpoints (<c>$endpoints?population=</c>).</summary>
public enum AnalysisPopulation
{
    /// <summary><c>efficacy-evaluable</c>: treated, with a post-baseline response assessment (and the study's declared criterion). The default.</summary>
    EfficacyEvaluable,
    /// <summary><c>treated</c>: at least one dose of the study drug; the safety population.</summary>
    Treated,
}

/// <summary>The codes of <see cref="AnalysisPopulation"/>.</summary>
public static class AnalysisPopulations
{
    /// <summary>The code of a population as the operations write and read it.</summary>
    public static string Code(this AnalysisPopulation population) =>
        population == AnalysisPopulation.Treated ? "treated" : "efficacy-evaluable";

    /// <summary>The population with <paramref name="code"/>, or null when there is none.</summary>
    public static AnalysisPopulation? FromCode(string? code) => code switch
    {
        "treated" => AnalysisPopulation.Treated,
        "efficacy-evaluable" => AnalysisPopulation.EfficacyEvaluable,
        _ => null,
    };
}
