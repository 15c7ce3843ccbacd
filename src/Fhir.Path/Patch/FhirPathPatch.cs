using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Path.Patch;

/// <summary>
/// FHIRPath Patch (FHIR R4 §3.1.0.6.2, <c>fhirpatch.html</c>): a <c>Parameters</c> resource whose <c>operation</c>
/// parameters add, insert, delete, replace and move content at places named by FHIRPath expressions. Operations apply in
/// order to a copy of the resource, all or nothing. Bad input is reported in the result, never thrown.
/// </summary>
public static class FhirPathPatch
{
    /// <summary>Applies the patch in <paramref name="parameters"/> to a copy of <paramref name="resource"/>.</summary>
    /// <param name="resource">The resource to patch; it is not changed.</param>
    /// <param name="parameters">The patch: a <c>Parameters</c> resource.</param>
    /// <param name="definitions">The definitions giving element types; <see cref="FhirDefinitions.R4"/> when null.</param>
    /// <param name="limits">Bounds on the patched resource, checked before each operation adds to it; none when null.</param>
    /// <returns>The patched copy, or the first failure (which operation, why, where).</returns>
    public static FhirPathPatchResult Apply(ElementNode resource, ElementNode parameters, FhirDefinitions? definitions = null, PatchLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(parameters);
        var (operations, failure) = OperationReader.Read(parameters);
        if (failure is not null)
        {
            return FhirPathPatchResult.Failure(failure);
        }
        var copy = resource.DeepCopy();
        var budget = limits is null || limits == PatchLimits.None ? null : new PatchBudget(limits, copy);
        var applier = new PatchApplier(copy, definitions ?? FhirDefinitions.R4, budget);
        foreach (var operation in operations!)
        {
            if (applier.Apply(operation) is { } error)
            {
                return FhirPathPatchResult.Failure(error);
            }
        }
        return FhirPathPatchResult.Success(copy);
    }
}
