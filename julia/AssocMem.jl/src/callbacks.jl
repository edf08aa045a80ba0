# ---- Callbacks into Julia: progress (amem_progress_fn) and error (amem_error_fn) ----
#
# A Julia exception must never unwind through C frames: the library's state
# would be left half-updated and its locks held. So the C entry points below
# catch everything the Julia function throws (InterruptException included),
# keep it, and answer "cancel" (progress: nonzero; error function: NaN). The
# C call then returns AMEM_E_CANCELLED with its handle consistent, and the
# kept exception is rethrown on the Julia side. The Julia function reaches
# the entry point through the `user` pointer, so the entry points are plain
# (non-closure) @cfunctions.

"A Julia function called from C, and the exception it threw (or nothing)."
mutable struct _Callback
    f::Any
    failure::Any
end

_Callback(f) = _Callback(f, nothing)

function _progress_entry(user::Ptr{Cvoid}, stage::Ptr{Cchar}, done::Clong,
                         total::Clong, metric::Cdouble)::Cint
    cb = unsafe_pointer_to_objref(user)::_Callback
    cb.failure === nothing || return Cint(1)
    try
        name = stage == C_NULL ? "" : unsafe_string(stage)
        return cb.f(name, Int(done), Int(total), Float64(metric)) === true ? Cint(1) : Cint(0)
    catch e
        cb.failure = e
        return Cint(1)
    end
end

function _error_entry(user::Ptr{Cvoid}, n::Clong)::Cdouble
    cb = unsafe_pointer_to_objref(user)::_Callback
    cb.failure === nothing || return NaN
    try
        return Float64(cb.f(Int(n)))
    catch e
        cb.failure = e
        return NaN
    end
end

"(amem_progress_fn, user) to pass for a callback, or (C_NULL, C_NULL) for none."
_progress_args(cb::_Callback) =
    (@cfunction(_progress_entry, Cint, (Ptr{Cvoid}, Ptr{Cchar}, Clong, Clong, Cdouble)),
     pointer_from_objref(cb))
_progress_args(::Nothing) = (C_NULL, C_NULL)

"(amem_error_fn, user) to pass for an error function."
_error_args(cb::_Callback) =
    (@cfunction(_error_entry, Cdouble, (Ptr{Cvoid}, Clong)), pointer_from_objref(cb))

_callback(f) = f === nothing ? nothing : _Callback(f)

"Rethrow what a callback threw while C called it (after the C call returned)."
function _rethrow_failure(cb)
    cb === nothing || cb.failure === nothing || throw(cb.failure)
    return nothing
end

"""
    _with_progress(call, progress)

Run `call(fn, user)`, a C call taking an `amem_progress_fn` and its user
pointer, with `progress(stage, done, total, metric)` as the callback (return
`true` to cancel; `nothing` passes no callback). An exception thrown by
`progress` cancels the call and is rethrown once it has returned; otherwise
the status goes through `check`.
"""
function _with_progress(call, progress)
    cb = _callback(progress)
    status = GC.@preserve cb call(_progress_args(cb)...)
    _rethrow_failure(cb)
    return check(status)
end
