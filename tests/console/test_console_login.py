"""A wrong token is refused, and the page says so plainly."""


def test_wrong_token_is_refused_plainly(console, shot):
    console.open()
    console.sign_in("not-the-token", expect_success=False)
    message = console.login_message()
    assert "rejected this token" in message and "401" in message
    assert console.find("#login").is_displayed() and not console.find("#app").is_displayed()
    assert console.driver.execute_script("return sessionStorage.getItem('spin.console.token')") is None
    shot("wrong-token")
