using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fhir.Server.Http;

/// <summary>
/// Route constraint <c>{type:fhirType}</c>: a segment that looks like a resource type (starts with an upper-case
/// letter). It keeps <c>metadata</c> and <c>_history</c> out of the type routes, so that a wrong method on them is 405;
/// whether the type really exists is checked later, with a message that says so.
/// </summary>
internal sealed class ResourceTypeConstraint : IRouteConstraint
{
    public const string Name = "fhirType";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string { Length: > 0 } text && char.IsAsciiLetterUpper(text[0]);
}
