namespace FnSharp.Core.Storage.Sql;

/// <summary>The kinds of constraint a write can break, as <see cref="SqlDataStore"/> tells them apart.</summary>
public enum ConstraintKind
{
    /// <summary>A unique index or primary key.</summary>
    Unique,

    /// <summary>A foreign key: the parent row is missing.</summary>
    ForeignKey,
}
