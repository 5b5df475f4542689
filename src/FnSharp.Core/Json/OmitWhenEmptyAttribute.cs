namespace FnSharp.Core.Json;

/// <summary>
/// Marks a property that the API leaves out of its JSON when it is empty (<c>""</c>, or an object without an entry), as
/// Go's <c>omitempty</c> does for the same field of Fn's model (<c>api/models/app.go</c>, <c>fn.go</c>,
/// <c>trigger.go</c>). Read by <see cref="GoJsonConventions"/>; a serializer without it writes the property always.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class OmitWhenEmptyAttribute : Attribute;
