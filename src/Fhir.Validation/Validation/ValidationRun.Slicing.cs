using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Path;
using Fhir.Validation.Terminology;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    /// <summary>
    /// Assigns each node of a sliced element to the first slice whose discriminators it satisfies, then checks the
    /// element's and each slice's cardinality, the rules (closed, openAtEnd), the order, and each node against its slice.
    /// </summary>
    private void Sliced(ElementNode parent, IReadOnlyList<ElementNode> children, int start, int end, ElementPlan plan, Mode mode, ResourceScope scope)
    {
        var count = end - start;
        Cardinality(parent, plan, count, children[start]);
        var slices = plan.Slices;
        var slicing = plan.Slicing!;
        Span<int> assigned = count <= 64 ? stackalloc int[count] : new int[count];
        Span<int> perSlice = slices.Count <= 64 ? stackalloc int[slices.Count] : new int[slices.Count];
        var lastSlice = -1;
        var unmatchedSeen = false;
        for (var k = 0; k < count; k++)
        {
            var node = children[start + k];
            var match = -1;
            for (var s = 0; s < slices.Count; s++)
            {
                if (InSlice(node, slices[s], scope))
                {
                    match = s;
                    break;
                }
            }
            assigned[k] = match;
            if (match >= 0)
            {
                perSlice[match]++;
                if (slicing.Ordered && match < lastSlice)
                {
                    Add(IssueSeverity.Error, IssueType.Structure,
                        $"Slice '{slices[match].SliceName}' of '{plan.Path}' is out of order: the slicing is ordered.", node);
                }
                if (slicing.Rules == SlicingRules.OpenAtEnd && unmatchedSeen)
                {
                    Add(IssueSeverity.Error, IssueType.Structure,
                        $"An element matching slice '{slices[match].SliceName}' of '{plan.Path}' comes after elements that match no slice (the slicing is openAtEnd).", node);
                }
                lastSlice = Math.Max(lastSlice, match);
            }
            else
            {
                unmatchedSeen = true;
                if (slicing.Rules == SlicingRules.Closed)
                {
                    Add(IssueSeverity.Error, IssueType.Structure,
                        $"This element does not match any slice of '{plan.Path}', whose slicing is closed.", node);
                }
            }
        }
        var expression = (string?)null;
        for (var s = 0; s < slices.Count; s++)
        {
            var slice = slices[s];
            if (perSlice[s] < slice.Min)
            {
                expression ??= parent.Location + "." + (plan.IsChoice ? plan.Name + "[x]" : plan.Name);
                Add(IssueSeverity.Error, IssueType.Required,
                    $"Slice '{slice.SliceName}' of '{plan.Path}': minimum required = {slice.Min}, but only found {perSlice[s]}.", expression);
            }
            else if (perSlice[s] > slice.Max)
            {
                // At the first element too many: that names the type of a choice (Observation.valueQuantity).
                var over = FirstOver(children, start, assigned, s, slice.Max);
                Add(IssueSeverity.Error, IssueType.Structure,
                    $"Slice '{slice.SliceName}' of '{plan.Path}': maximum allowed = {slice.Max}, but found {perSlice[s]}.", over);
            }
        }
        for (var k = 0; k < count; k++)
        {
            var node = children[start + k];
            var target = assigned[k] >= 0 ? slices[assigned[k]] : plan;
            Type(node, target, scope);
            Element(node, target, mode, scope, typeConstraintsDone: null);
        }
    }

    private static ElementNode FirstOver(IReadOnlyList<ElementNode> children, int start, Span<int> assigned, int slice, int max)
    {
        var seen = 0;
        for (var k = 0; k < assigned.Length; k++)
        {
            if (assigned[k] == slice && ++seen > max)
            {
                return children[start + k];
            }
        }
        return children[start];
    }

    private bool InSlice(ElementNode node, ElementPlan slice, ResourceScope scope)
    {
        foreach (var test in slice.Tests)
        {
            if (!Passes(node, test, scope))
            {
                return false;
            }
        }
        return true;
    }

    private bool Passes(ElementNode node, SliceTest test, ResourceScope scope)
    {
        if (test.Unconstrained)
        {
            return true;
        }
        var discriminator = test.Discriminator;
        // The commonest discriminator by far (extensions by url): read the child directly.
        if (test.ExpectedText is { } expectedText && discriminator.Path == "url")
        {
            return node.GetString("url") == expectedText;
        }
        IReadOnlyList<object> values;
        var path = test.AtAncestor ? test.ExpectedAt : discriminator.Compiled;
        if (path is null)
        {
            if (discriminator.Path != "$this" && !test.AtAncestor)
            {
                return false; // a path that does not compile matches nothing
            }
            values = [node];
        }
        else
        {
            try
            {
                values = path.Evaluate(node, scope.Context);
            }
            catch (FhirPathException)
            {
                return false;
            }
        }
        switch (discriminator.Type)
        {
            case DiscriminatorType.Value or DiscriminatorType.Pattern:
                foreach (var value in values)
                {
                    if (test.ExpectedText is not null)
                    {
                        var text = value is ElementNode n ? n.Value : value;
                        if (text is string s && s == test.ExpectedText)
                        {
                            return true;
                        }
                    }
                    else if (test.Expected is { } expected)
                    {
                        if (value is ElementNode n ? PatternMatcher.Matches(n, expected, test.IsFixed) : PatternMatcher.Matches(value, expected))
                        {
                            return true;
                        }
                    }
                    else if (test.ValueSet is { } valueSet && value is ElementNode coded && InValueSet(coded, valueSet))
                    {
                        return true;
                    }
                }
                return false;
            case DiscriminatorType.Type:
                foreach (var value in values)
                {
                    if (value is ElementNode n)
                    {
                        foreach (var type in test.Types!)
                        {
                            if (n.Type.Name == type || n.Type.IsA(type))
                            {
                                return true;
                            }
                        }
                    }
                }
                return false;
            case DiscriminatorType.Profile:
                foreach (var value in values)
                {
                    if (value is ElementNode n)
                    {
                        foreach (var url in test.Profiles!)
                        {
                            if (Plans.Get(url) is { } plan && n.Type.IsA(plan.Type) && ConformsQuietly(n, plan, scope))
                            {
                                return true;
                            }
                        }
                    }
                }
                return false;
            default:
                return (values.Count > 0) == test.MustExist;
        }
    }

    private bool InValueSet(ElementNode coded, string valueSet)
    {
        switch (coded.Type.Name)
        {
            case "Coding":
                return coded.GetString("code") is { } code && Terminology.Check(valueSet, coded.GetString("system"), code) == Membership.Member;
            case "CodeableConcept":
                foreach (var coding in coded.ChildrenNamed("coding"))
                {
                    if (InValueSet(coding, valueSet))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return coded.Value is string value && Terminology.Check(valueSet, null, value) == Membership.Member;
        }
    }
}
