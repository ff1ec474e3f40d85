"""Account pages: register, login/logout, password, the user's own page, organization profiles."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..forms import EmptyForm, attach_errors, select_choices
from ..models.accounts import SELF_REGISTER_ROLES
from ..security import is_safe_next
from ..workflow import DomainError, PermissionDenied, ValidationFailed
from . import membership, organizations, recovery, services, tokens
from .dashboard import sections_for
from .forms import ForgotPasswordForm, LoginForm, OrganizationForm, PasswordChangeForm, RegisterForm, ResetPasswordForm

bp = Blueprint("accounts", __name__)


def _redirect_next(default_endpoint="accounts.dashboard"):
    target = request.values.get("next")
    return redirect(target if is_safe_next(target) else url_for(default_endpoint))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return _redirect_next()
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        except DomainError as err:
            form.password.errors = list(form.password.errors) + [err.message]
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(f"欢迎回来，{user.name}", "success")
            return _redirect_next()
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """POST only (a form with a CSRF token in the nav): ends this user's sessions on every device."""
    if current_user.is_authenticated:
        services.logout_everywhere(current_user)
        db.session.commit()
    logout_user()
    flash("您已退出登录（所有设备上的登录均已结束）", "info")
    return redirect(url_for("main.home"))


def org_choices(role):
    orgs = services.organizations_for_role(role if role in SELF_REGISTER_ROLES else "researcher")
    return [(0, "— 请选择 —")] + [(o.id, f"{o.name}（{o.kind_label}{'，已认证' if o.verified else ''}）") for o in orgs]



@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = RegisterForm()
    form.org_id.choices = select_choices(org_choices(form.role.data))
    if form.is_submitted():
        try:
            services.check_registration_allowed(request.remote_addr)
            if not form.validate():
                # The service's checks too (password policy, credit code, e-mail taken): every field's error at once.
                raise ValidationFailed("注册信息有误", services.registration_problems(form.service_data()))
            user = services.register_user(form.service_data())
        except ValidationFailed as err:
            errors = {key: message for key, message in (err.errors or {}).items()
                      if not getattr(getattr(form, key, None), "errors", None)}  # no field says it twice
            for message in attach_errors(form, errors):
                flash(message, "error")
        except DomainError as err:  # too many registrations from this address
            flash(err.message, "error")
        else:
            db.session.commit()
            login_user(user)
            if membership.member_org_id(user) is None:
                flash("注册成功。加入单位的申请已提交，单位管理员审核通过后您才能代表单位发布信息、查看单位交易。", "info")
            else:
                flash("注册成功，欢迎加入易智。新建的单位需经管理员认证后，您发布的信息才能通过审核。", "success")
            return redirect(url_for("accounts.dashboard"))
    org_options = {role: org_choices(role) for role in SELF_REGISTER_ROLES}
    return render_template("accounts/register.html", form=form, org_options=org_options)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.old_password.data, form.new_password.data,
                                     request.remote_addr)
        except ValidationFailed as err:
            attach_errors(form, err.errors)
        except DomainError as err:  # too many wrong passwords
            form.old_password.errors = list(form.old_password.errors) + [err.message]
        else:
            db.session.commit()
            # The change ended every session; this one goes on, with the new session version.
            remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash("密码已修改。其他设备上的登录和所有 API 令牌均已失效。", "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/password.html", form=form, tokens=tokens.tokens_of(current_user),
                           revoke_form=EmptyForm())


SENT_MESSAGE = "如果该邮箱已注册，重置密码的链接已发送到该邮箱，请在 {minutes} 分钟内查收并打开。"


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link: one answer whether or not the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.request_reset(form.email.data, request.remote_addr)
        except DomainError as err:  # too many requests for this e-mail or from this address
            form.email.errors = list(form.email.errors) + [err.message]
        else:
            db.session.commit()
            flash(SENT_MESSAGE.format(minutes=current_app.config["PASSWORD_RESET_MINUTES"]), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = recovery.user_for_token(token)
    except ValidationFailed as err:
        return render_template("accounts/reset_password.html", form=None, problem=err.message)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, form.new_password.data)
        except ValidationFailed as err:
            attach_errors(form, err.errors)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash("密码已重置，其他设备上的登录和所有 API 令牌均已失效。请用新密码登录。", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, problem=None, user=user)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id):
    tokens.revoke_token(current_user, token_id)
    db.session.commit()
    flash("API 令牌已撤销", "success")
    return redirect(url_for("accounts.change_password"))


@bp.route("/me")
@login_required
def dashboard():
    join_request = membership.latest_request_of(current_user) if current_user.organization_id is None else None
    return render_template("accounts/dashboard.html", sections=sections_for(current_user), form=EmptyForm(),
                           join_request=join_request, is_org_admin=membership.is_org_admin(current_user,
                                                                                           current_user.organization))


@bp.route("/org", methods=["GET", "POST"])
@login_required
def org_edit():
    org = membership.membership_of(current_user)
    if org is None:
        flash("您尚未加入单位（或加入申请尚在审核中）", "warning")
        return redirect(url_for("accounts.dashboard"))
    can_edit = organizations.can_edit_organization(current_user, org)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("只有本单位的单位管理员可以编辑单位资料")
    form = OrganizationForm(obj=org)
    if can_edit and form.validate_on_submit():
        try:
            change = organizations.update_organization(current_user, org, _org_form_data(form, request.form))
        except ValidationFailed as err:
            for message in attach_errors(form, err.errors):
                flash(message, "error")
        else:
            db.session.commit()
            flash("单位资料已保存", "success")
            if change is not None:
                flash("单位名称、类型或统一社会信用代码的变更已提交平台管理员审核，通过前单位仍以原信息保持认证", "info")
            return redirect(url_for("accounts.org_edit"))
    return render_template("accounts/org_edit.html", form=form, org=org, can_edit=can_edit,
                           change=membership.pending_change_of(org))


def _org_form_data(form, posted):
    data = {key: form[key].data for key in ("name", "kind", "credit_code", "region", "description")}
    if "tags" in posted:  # not on the form: status tags are the platform's to set, the service refuses them
        data["tags"] = posted.getlist("tags")
    return data


@bp.route("/orgs/<int:org_id>")
def org_profile(org_id):
    org = services.get_organization(org_id)
    achievements, demands = services.public_listings_of(org)
    from ..enterprises import access, services as enterprises  # the tags an admin marks public (#12)

    return render_template("accounts/org_profile.html", org=org, achievements=achievements, demands=demands,
                           public_tags=enterprises.tags_of(org, public_only=True),
                           can_see_figures=org.kind == "enterprise" and access.can_view(current_user, org))
