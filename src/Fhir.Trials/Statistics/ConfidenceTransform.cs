namespace Fhir.Trials.Statistics;

/// <summary>The scale on which pointwise confidence limits of S(t) are symmetric (survival's <c>conf.type</c>).</summary>
public enum ConfidenceTransform
{
    /// <summary>log(−log S): limits S^exp(±z·σ/log S); stays inside (0, 1). The protocol's choice.</summary>
    LogLog,
    /// <summary>log S: limits S·exp(±z·σ), capped at 1; R's default, kept to compare with published output.</summary>
    Log,
}
